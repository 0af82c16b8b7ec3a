import { fitMiddle, sharedPrefixes } from '../fitName';

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

describe('fitMiddle with a start shared with other names', () => {
  const name = 'dl1_LST-1.Run16000.0001.h5';

  it('cuts the shared start, keeping the end that differs', () => {
    expect(fitMiddle(name, 20, measure, 22)).toBe('dl1_…un16000.0001.h5');
    expect(fitMiddle(name, 14, measure, 22)).toBe('dl1…00.0001.h5');
  });

  it('keeps the name whole when it fits', () => {
    expect(fitMiddle(name, 30, measure, 22)).toBe(name);
  });

  it('cuts as before when little of the start is shared', () => {
    expect(fitMiddle(name, 20, measure, 4)).toBe(fitMiddle(name, 20, measure));
  });
});

describe('sharedPrefixes', () => {
  it('gives each name the longest start it shares with another', () => {
    const shared = sharedPrefixes([
      'dl1_LST-1.Run16000.0001.h5',
      'README.txt',
      'dl1_LST-1.Run16000.0000.h5',
      'dl1_LST-1.Run16010.0000.h5'
    ]);
    expect(shared.get('dl1_LST-1.Run16000.0000.h5')).toBe(22);
    expect(shared.get('dl1_LST-1.Run16000.0001.h5')).toBe(22);
    expect(shared.get('dl1_LST-1.Run16010.0000.h5')).toBe(16);
    expect(shared.get('README.txt')).toBe(0);
  });

  it('takes a name found in two folders once', () => {
    const shared = sharedPrefixes(['run.h5', 'run.h5', 'other.h5']);
    expect(shared.get('run.h5')).toBe(0);
  });
});
