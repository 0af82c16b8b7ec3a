import {
  formatDate,
  formatDuration,
  formatFullDate,
  formatRate,
  formatSize
} from '../format';

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1234, '1.2 KB'],
    [12_345, '12 KB'],
    [1_500_000, '1.5 MB'],
    [2e9, '2.0 GB'],
    [3.4e12, '3.4 TB'],
    [5e18, '5000 PB']
  ])('%d bytes -> %s', (bytes, expected) => {
    expect(formatSize(bytes)).toBe(expected);
  });

  it.each([null, undefined, -1, NaN, Infinity])('%p -> empty', bytes => {
    expect(formatSize(bytes)).toBe('');
  });
});

describe('formatRate', () => {
  it('adds per second to the size', () => {
    expect(formatRate(12_300_000)).toBe('12 MB/s');
    expect(formatRate(999.6)).toBe('1.0 KB/s');
  });

  it.each([null, undefined, 0, -5, NaN, Infinity])('%p -> empty', rate => {
    expect(formatRate(rate)).toBe('');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42.4, '42 s'],
    [59.6, '1 min 00 s'],
    [185, '3 min 05 s'],
    [3600, '1 h 00 min'],
    [3720, '1 h 02 min']
  ])('%d s -> %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it.each([-1, NaN, Infinity])('%p -> empty', seconds => {
    expect(formatDuration(seconds)).toBe('');
  });
});

describe('formatDate and formatFullDate', () => {
  it('show a valid date with its year', () => {
    expect(formatDate('2026-03-04T05:06:07Z')).toMatch(/2026/);
    expect(formatFullDate('2026-03-04T05:06:07Z')).toMatch(/2026/);
  });

  it.each([null, undefined, '', 'not a date'])('%p -> empty', iso => {
    expect(formatDate(iso)).toBe('');
    expect(formatFullDate(iso)).toBe('');
  });
});
