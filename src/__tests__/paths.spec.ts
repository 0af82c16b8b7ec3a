import { baseName, normalizeDir, parentDir } from '../paths';

describe('normalizeDir', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['lst', 'lst/'],
    ['/lst/DL1', 'lst/DL1/'],
    ['lst//DL1///', 'lst/DL1/'],
    ['lst/DL1/', 'lst/DL1/']
  ])('%j -> %j', (path, expected) => {
    expect(normalizeDir(path)).toBe(expected);
  });
});

describe('parentDir', () => {
  it.each([
    ['lst/DL1/', 'lst/'],
    ['lst/DL1/run.h5', 'lst/DL1/'],
    ['lst/', ''],
    ['lst', ''],
    ['', '']
  ])('%j -> %j', (path, expected) => {
    expect(parentDir(path)).toBe(expected);
  });
});

describe('baseName', () => {
  it.each([
    ['lst/DL1/run.h5', 'run.h5'],
    ['lst/DL1/', 'DL1'],
    ['run.h5', 'run.h5'],
    ['', ''],
    ['/', '']
  ])('%j -> %j', (path, expected) => {
    expect(baseName(path)).toBe(expected);
  });
});
