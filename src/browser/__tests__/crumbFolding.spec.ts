import { foldedCount } from '../crumbFolding';

describe('foldedCount', () => {
  const widths = [30, 40, 70, 40, 80];

  it('folds nothing when the whole path fits', () => {
    expect(foldedCount(widths, 260, 20)).toBe(0);
    expect(foldedCount(widths, 1000, 20)).toBe(0);
  });

  it('folds the first folders, only as many as needed', () => {
    // 20 + 40 + 70 + 40 + 80 = 250 does not fit in 240; 20 + 70 + 40 + 80 does.
    expect(foldedCount(widths, 240, 20)).toBe(2);
    expect(foldedCount(widths, 150, 20)).toBe(3);
  });

  it('never folds the last folder', () => {
    expect(foldedCount(widths, 10, 20)).toBe(4);
    expect(foldedCount([500], 100, 20)).toBe(0);
  });
});
