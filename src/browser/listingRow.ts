/**
 * One row of the listing: its nodes, and the entry it shows.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { Time } from '@jupyterlab/coreutils';
import { fileIcon, folderIcon, LabIcon } from '@jupyterlab/ui-components';

import { IEntry } from '../apiTypes';
import { element } from '../dom';
import { formatDate, formatFullDate, formatSize } from '../format';

/**
 * The height of one row in pixels, set on each row: the virtual scrolling
 * places rows by it.
 */
export const ROW_HEIGHT = 24;

/**
 * The height of a search result's row: its folder has a line of its own.
 */
export const RESULT_ROW_HEIGHT = 40;

export const ITEM_CLASS = 'jp-CtadataListing-item';

export interface IRow {
  node: HTMLElement;
  icon: HTMLElement;
  name: HTMLElement;
  folder: HTMLElement;
  size: HTMLElement;
  modified: HTMLElement;
  entry: IEntry | null;
  index: number;
}

/**
 * A new row, appended to `parent`, showing nothing yet.
 */
export function createRow(parent: HTMLElement): IRow {
  const node = element('div', ITEM_CLASS);
  node.setAttribute('role', 'option');
  const icon = element('span', 'jp-CtadataListing-itemIcon');
  const name = element('span', 'jp-CtadataListing-itemName');
  // A search result's folder; empty (and hidden) in a folder's listing.
  const folder = element('span', 'jp-CtadataListing-itemFolder');
  const size = element('span', 'jp-CtadataListing-itemSize');
  const modified = element('span', 'jp-CtadataListing-itemModified');
  node.append(icon, name, folder, size, modified);
  parent.appendChild(node);
  return { node, icon, name, folder, size, modified, entry: null, index: -1 };
}

/**
 * How rows are filled: what the listing knows that a row does not.
 */
export interface IRowContext {
  /**
   * The prefix of row ids (for `aria-activedescendant`).
   */
  idPrefix: string;
  /**
   * How many rows the listing has.
   */
  count: number;
  /**
   * Whether dates are shown in full (a wide listing) or relative.
   */
  wide: boolean;
  /**
   * The height of a row in pixels.
   */
  rowHeight: number;
  fitName: (name: string) => string;
  registry: DocumentRegistry | null;
}

/**
 * Show `entry`, the `index`th of the listing, in `row`.
 */
export function fillRow(
  row: IRow,
  entry: IEntry,
  index: number,
  context: IRowContext
): void {
  row.entry = entry;
  row.index = index;
  const node = row.node;
  node.dataset.index = String(index);
  node.dataset.type = entry.type;
  node.dataset.path = entry.path;
  node.id = `${context.idPrefix}-row-${index}`;
  node.style.height = `${context.rowHeight}px`;
  node.style.transform = `translateY(${index * context.rowHeight}px)`;
  node.setAttribute('aria-posinset', String(index + 1));
  node.setAttribute('aria-setsize', String(context.count));
  // The tooltip says it all, as the date column hides in a narrow sidebar.
  node.title = [
    entry.path,
    entry.type === 'directory' ? '' : formatSize(entry.size),
    formatFullDate(entry.mtime)
  ]
    .filter(Boolean)
    .join('\n');

  row.icon.textContent = '';
  iconFor(entry, context.registry).element({
    container: row.icon,
    tag: 'span',
    elementPosition: 'center',
    height: '16px',
    width: '16px'
  });
  row.name.textContent = context.fitName(entry.name);
  // Without its last slash, which a right-to-left cut would show first.
  row.folder.textContent =
    entry.folder === undefined ? '' : entry.folder.replace(/\/$/, '') || '/';
  row.size.textContent =
    entry.type === 'directory' ? '' : formatSize(entry.size);
  if (context.wide || !entry.mtime || isNaN(Date.parse(entry.mtime))) {
    row.modified.textContent = formatDate(entry.mtime);
  } else {
    row.modified.textContent = Time.formatHuman(entry.mtime, 'narrow');
  }
  row.modified.title = formatFullDate(entry.mtime);
}

function iconFor(entry: IEntry, registry: DocumentRegistry | null): LabIcon {
  if (entry.type === 'directory') {
    return folderIcon;
  }
  for (const type of registry?.getFileTypesForPath(entry.name) ?? []) {
    if (type.icon instanceof LabIcon) {
      return type.icon;
    }
  }
  return fileIcon;
}
