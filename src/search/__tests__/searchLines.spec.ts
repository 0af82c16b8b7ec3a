import { LineSplitter, parseSearchLine, searchPattern } from '../searchLines';

describe('LineSplitter', () => {
  it('gives whole lines whatever the chunks cut', () => {
    const text = '{"kind":"progress","listed":1,"found":0}\n{"kind":"end"}\n';
    for (let size = 1; size <= text.length; size++) {
      const splitter = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += size) {
        lines.push(...splitter.push(text.slice(i, i + size)));
      }
      lines.push(...splitter.flush());
      expect(lines).toEqual([
        '{"kind":"progress","listed":1,"found":0}',
        '{"kind":"end"}'
      ]);
    }
  });

  it('keeps a last line without a newline until the end', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\nb')).toEqual(['a']);
    expect(splitter.push('c')).toEqual([]);
    expect(splitter.flush()).toEqual(['bc']);
    expect(splitter.flush()).toEqual([]);
  });
});

describe('parseSearchLine', () => {
  it('reads the four kinds of line', () => {
    const entry = parseSearchLine(
      '{"kind": "entry", "folder": "lst/DL1/", "name": "a.h5", "path": "lst/DL1/a.h5", "type": "file", "size": 3, "mtime": null}'
    );
    expect(entry).toEqual({
      kind: 'entry',
      folder: 'lst/DL1/',
      name: 'a.h5',
      path: 'lst/DL1/a.h5',
      type: 'file',
      size: 3,
      mtime: null
    });
    expect(
      parseSearchLine('{"kind": "progress", "listed": 4, "found": 1}')?.kind
    ).toBe('progress');
    expect(
      parseSearchLine('{"kind": "error", "path": "x", "message": "no"}')?.kind
    ).toBe('error');
    expect(parseSearchLine('{"kind": "end", "reason": "limit"}')?.kind).toBe(
      'end'
    );
  });

  it('skips what is not a line of the search', () => {
    for (const line of [
      '',
      '  ',
      'not json',
      '[1]',
      'null',
      '{"kind": "other"}',
      '{}'
    ]) {
      expect(parseSearchLine(line)).toBeNull();
    }
  });
});

describe('searchPattern', () => {
  it('keeps a shell pattern and wraps plain text', () => {
    expect(searchPattern('*.h5')).toBe('*.h5');
    expect(searchPattern(' run[0-9]* ')).toBe('run[0-9]*');
    expect(searchPattern('file?.txt')).toBe('file?.txt');
    expect(searchPattern('run42')).toBe('*run42*');
    expect(searchPattern('   ')).toBe('');
  });
});
