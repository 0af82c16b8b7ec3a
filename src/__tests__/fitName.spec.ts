import { fitMiddle } from '../fitName';

// One unit of width per character.
const measure = (text: string) => text.length;

describe('fitMiddle', () => {
  it('keeps a name that fits', () => {
    expect(fitMiddle('run.h5', 6, measure)).toBe('run.h5');
  });

  it('keeps a name when there is no width to fit in', () => {
    expect(fitMiddle('a-long-name.h5', 0, measure)).toBe('a-long-name.h5');
  });

  it('cuts the middle, keeping more of the end', () => {
    expect(fitMiddle('dl1_LST-1.Run16000.0000.h5', 12, measure)).toBe(
      'dl1_…0000.h5'
    );
    expect(fitMiddle('dl1_LST-1.Run16000.0000.h5', 20, measure)).toBe(
      'dl1_LST…6000.0000.h5'
    );
  });

  it('gives the ellipsis alone when nothing else fits', () => {
    expect(fitMiddle('abcdef', 1, measure)).toBe('…');
  });
});
