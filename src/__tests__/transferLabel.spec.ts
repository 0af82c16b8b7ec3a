import { nullTranslator } from '@jupyterlab/translation';

import { ITransfer } from '../apiTypes';
import { transferStateLabel } from '../transferLabel';

const trans = nullTranslator.load('ctadata_lab');

function job(changes: Partial<ITransfer>): ITransfer {
  return {
    id: 'j1',
    kind: 'download',
    path: 'lst/DL1/run.h5',
    local: 'data/run.h5',
    recursive: false,
    state: 'running',
    bytes_done: 5,
    bytes_total: 10,
    rate: null,
    files_done: 0,
    files_total: 1,
    error: null,
    created: '2026-01-01T00:00:00Z',
    finished: null,
    ...changes
  };
}

describe('transferStateLabel', () => {
  it('gives the percentage of a running transfer', () => {
    expect(transferStateLabel(job({}), 50, trans)).toBe('50%');
    expect(transferStateLabel(job({}), null, trans)).toBe('Running');
  });

  it('names the finished states', () => {
    expect(transferStateLabel(job({ state: 'done' }), 100, trans)).toBe('Done');
    expect(transferStateLabel(job({ state: 'conflict' }), null, trans)).toBe(
      'Files differ'
    );
  });

  it('says a resumed transfer was resumed, in every state', () => {
    const resumed = { resumed: true };
    expect(
      transferStateLabel(job({ ...resumed, state: 'queued' }), null, trans)
    ).toBe('Resumed');
    expect(transferStateLabel(job(resumed), 42, trans)).toBe('42% · resumed');
    expect(
      transferStateLabel(job({ ...resumed, state: 'done' }), 100, trans)
    ).toBe('Done · resumed');
  });

  it('says nothing of resuming for a transfer that was not', () => {
    expect(
      transferStateLabel(job({ resumed: false, state: 'queued' }), null, trans)
    ).toBe('Queued');
  });
});
