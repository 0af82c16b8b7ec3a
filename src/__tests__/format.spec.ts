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
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1234, '1.2 KiB'],
    // The size the issue compared: `cta-data get` says 317.0 KiB.
    [324_608, '317.0 KiB'],
    [1_500_000, '1.4 MiB'],
    [2 * 1024 ** 3, '2.0 GiB'],
    [3.4e12, '3.1 TiB'],
    [5e18, '4440.9 PiB']
  ])('%d bytes -> %s', (bytes, expected) => {
    expect(formatSize(bytes)).toBe(expected);
  });

  it.each([null, undefined, -1, NaN, Infinity])('%p -> empty', bytes => {
    expect(formatSize(bytes)).toBe('');
  });
});

describe('formatRate', () => {
  it('adds per second to the size', () => {
    expect(formatRate(12_300_000)).toBe('11.7 MiB/s');
    expect(formatRate(1023.6)).toBe('1.0 KiB/s');
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
