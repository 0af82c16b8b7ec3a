/**
 * Remote storage paths: `lst/DL1/` for a directory, `''` for the root.
 */

/**
 * Normalise a remote directory path: no leading slash, a trailing slash,
 * `''` for the root of the storage.
 */
export function normalizeDir(path: string): string {
  let clean = path.replace(/^\/+/, '').replace(/\/{2,}/g, '/');
  if (clean && !clean.endsWith('/')) {
    clean += '/';
  }
  return clean;
}

/**
 * The parent directory of a remote path (`'lst/DL1/'` -> `'lst/'`).
 */
export function parentDir(path: string): string {
  const parts = normalizeDir(path).split('/').filter(Boolean);
  parts.pop();
  return parts.length ? parts.join('/') + '/' : '';
}

/**
 * The last component of a remote path, without slash.
 */
export function baseName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts.length ? parts[parts.length - 1] : '';
}
