/**
 * The workspace side of transfers: its folders (Contents API) and the file
 * browsers that show them.
 */
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { Contents } from '@jupyterlab/services';

/**
 * A workspace folder of the settings as the Contents API names it: no
 * leading or trailing slash, `''` for the root.
 */
export function workspaceFolder(setting: string): string {
  return setting.replace(/^\/+|\/+$/g, '');
}

/**
 * Create a workspace folder and its parents if they do not exist.
 */
export async function ensureDirectory(
  contents: Contents.IManager,
  path: string
): Promise<void> {
  let current = '';
  for (const part of path.split('/').filter(Boolean)) {
    current = current ? `${current}/${part}` : part;
    try {
      await contents.get(current, { content: false });
    } catch {
      try {
        await contents.save(current, { type: 'directory' });
      } catch {
        // The server extension will say what is wrong with the folder.
        return;
      }
    }
  }
}

/**
 * List again the folders the file browsers show, each browser once.
 */
export function refreshFileBrowsers(
  defaultBrowser: IDefaultFileBrowser | null,
  factory: IFileBrowserFactory | null
): void {
  const seen = new Set<unknown>();
  const refresh = (
    browser: { model: { refresh(): Promise<void> } } | null | undefined
  ) => {
    if (browser && !seen.has(browser)) {
      seen.add(browser);
      void browser.model.refresh().catch(() => undefined);
    }
  };
  refresh(defaultBrowser);
  factory?.tracker.forEach(refresh);
}

/**
 * The Python code that fetches these storage entries with ctadata.
 */
export function pythonSnippet(
  entries: ReadonlyArray<{ path: string; type: string }>
): string {
  const lines = ['import ctadata', ''];
  for (const entry of entries) {
    const path = JSON.stringify(entry.path);
    lines.push(
      entry.type === 'directory'
        ? `ctadata.fetch_and_save_file_or_dir(${path}, recursive=True)`
        : `ctadata.fetch_and_save_file(${path})`
    );
  }
  return lines.join('\n') + '\n';
}
