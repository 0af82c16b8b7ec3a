import { IEntry } from '../../apiTypes';
import { sortAndFilter } from '../sort';

function entry(
  name: string,
  type: IEntry['type'] = 'file',
  size: number | null = null,
  mtime: string | null = null
): IEntry {
  return { name, path: `lst/${name}`, type, size, mtime };
}

const entries = [
  entry('run10.h5', 'file', 300, '2026-01-03T00:00:00Z'),
  entry('run2.h5', 'file', 100, '2026-01-01T00:00:00Z'),
  entry('Zeta', 'directory'),
  entry('alpha', 'directory'),
  entry('Run1.h5', 'file', 200, '2026-01-02T00:00:00Z'),
  entry('unknown.txt')
];

const names = (list: IEntry[]) => list.map(e => e.name);

describe('sortAndFilter', () => {
  it('puts folders first, then names in natural, case-blind order', () => {
    const sorted = sortAndFilter(
      entries,
      { key: 'name', direction: 'ascending' },
      ''
    );
    expect(names(sorted)).toEqual([
      'alpha',
      'Zeta',
      'Run1.h5',
      'run2.h5',
      'run10.h5',
      'unknown.txt'
    ]);
  });

  it('reverses the order within folders and within files', () => {
    const sorted = sortAndFilter(
      entries,
      { key: 'name', direction: 'descending' },
      ''
    );
    expect(names(sorted)).toEqual([
      'Zeta',
      'alpha',
      'unknown.txt',
      'run10.h5',
      'run2.h5',
      'Run1.h5'
    ]);
  });

  it('sorts by size, unknown sizes first', () => {
    const sorted = sortAndFilter(
      entries,
      { key: 'size', direction: 'ascending' },
      ''
    );
    expect(names(sorted).slice(2)).toEqual([
      'unknown.txt',
      'run2.h5',
      'Run1.h5',
      'run10.h5'
    ]);
  });

  it('sorts by date, newest first when descending', () => {
    const sorted = sortAndFilter(
      entries,
      { key: 'mtime', direction: 'descending' },
      ''
    );
    expect(names(sorted).slice(2)).toEqual([
      'run10.h5',
      'Run1.h5',
      'run2.h5',
      'unknown.txt'
    ]);
  });

  it('keeps the names containing the filter, whatever their case', () => {
    const sorted = sortAndFilter(
      entries,
      { key: 'name', direction: 'ascending' },
      '  RUN '
    );
    expect(names(sorted)).toEqual(['Run1.h5', 'run2.h5', 'run10.h5']);
  });

  it('leaves its input as it was', () => {
    const before = names(entries);
    sortAndFilter(entries, { key: 'size', direction: 'descending' }, 'a');
    expect(names(entries)).toEqual(before);
  });
});
