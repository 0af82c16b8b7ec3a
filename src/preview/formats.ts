/**
 * Which remote files the preview can look into, by their name.
 */

export type PreviewKind = 'hdf5' | 'fits';

const SUFFIXES: [string, PreviewKind][] = [
  ['.h5', 'hdf5'],
  ['.hdf5', 'hdf5'],
  ['.hdf', 'hdf5'],
  ['.fits', 'fits'],
  ['.fits.gz', 'fits'],
  ['.fit', 'fits']
];

/**
 * The preview for a file name, or null when there is none.
 */
export function previewKind(name: string): PreviewKind | null {
  const lower = name.toLowerCase();
  const found = SUFFIXES.find(([suffix]) => lower.endsWith(suffix));
  return found ? found[1] : null;
}
