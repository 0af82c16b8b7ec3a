import { pythonSnippet, workspaceFolder } from '../workspace';

describe('pythonSnippet', () => {
  it('fetches files and folders with ctadata, paths quoted', () => {
    expect(
      pythonSnippet([
        { path: 'lst/DL1/run "1".h5', type: 'file' },
        { path: 'lst/DL2/', type: 'directory' }
      ])
    ).toBe(
      [
        'import ctadata',
        '',
        'ctadata.fetch_and_save_file("lst/DL1/run \\"1\\".h5")',
        'ctadata.fetch_and_save_file_or_dir("lst/DL2/", recursive=True)',
        ''
      ].join('\n')
    );
  });
});

describe('workspaceFolder', () => {
  it('drops the slashes around a folder, the root being empty', () => {
    expect(workspaceFolder('/data/cta/')).toBe('data/cta');
    expect(workspaceFolder('//.cache//')).toBe('.cache');
    expect(workspaceFolder('/')).toBe('');
    expect(workspaceFolder('a/b')).toBe('a/b');
  });
});
