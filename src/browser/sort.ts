/**
 * The order and the filter of a listing: pure functions of its entries.
 */
import { IEntry } from '../apiTypes';

export type SortKey = 'name' | 'size' | 'mtime';
export type SortDirection = 'ascending' | 'descending';

export interface ISortState {
  key: SortKey;
  direction: SortDirection;
}

const collator = new Intl.Collator(undefined, {
  numeric: true,
  sensitivity: 'base'
});

/**
 * Filter by a case-insensitive substring of the name, then sort:
 * directories first, then by the sort key, ties broken by name.
 */
export function sortAndFilter(
  entries: readonly IEntry[],
  sort: ISortState,
  filter: string
): IEntry[] {
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? entries.filter(entry => entry.name.toLowerCase().includes(needle))
    : entries.slice();
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const decorated = shown.map(entry => ({
    entry,
    dir: entry.type === 'directory' ? 0 : 1,
    size: entry.size ?? -1,
    time: entry.mtime ? Date.parse(entry.mtime) || 0 : 0
  }));
  decorated.sort((a, b) => {
    if (a.dir !== b.dir) {
      return a.dir - b.dir;
    }
    let order = 0;
    if (sort.key === 'size') {
      order = a.size - b.size;
    } else if (sort.key === 'mtime') {
      order = a.time - b.time;
    }
    if (order === 0) {
      // Search results may share a name: then their folders decide.
      order =
        collator.compare(a.entry.name, b.entry.name) ||
        collator.compare(a.entry.path, b.entry.path);
    }
    return order * sign;
  });
  return decorated.map(item => item.entry);
}
