import { nullTranslator } from '@jupyterlab/translation';

import { transferStateLabel } from '../transferLabel';
import { job } from './jobs';

const trans = nullTranslator.load('ctadata_lab');
const running = job({ state: 'running', finished: null });

describe('transferStateLabel', () => {
  it('gives the percentage of a running transfer', () => {
    expect(transferStateLabel(running, 50, trans)).toBe('50%');
    expect(transferStateLabel(running, null, trans)).toBe('Running');
  });

  it('names the finished states', () => {
    expect(transferStateLabel(job({ state: 'done' }), 100, trans)).toBe('Done');
    expect(transferStateLabel(job({ state: 'conflict' }), null, trans)).toBe(
      'Files differ'
    );
  });

  it('says a finished download kept differing files', () => {
    const kept = { conflicts: ['data/lst/run.h5'], conflicts_total: 1 };
    expect(transferStateLabel(job(kept), 100, trans)).toBe(
      'Skipped: yours kept'
    );
    expect(
      transferStateLabel(job({ ...kept, recursive: true }), 100, trans)
    ).toBe('Done · 1 kept');
  });

  it('says how a finished transfer was checked', () => {
    const verified = job({ state: 'done', check: 'verified (adler32)' });
    expect(transferStateLabel(verified, 100, trans)).toBe(
      'Done · verified (adler32)'
    );
    const sizeOnly = job({ state: 'done', check: 'size only' });
    expect(transferStateLabel(sizeOnly, 100, trans)).toBe('Done · size only');
  });

  it('says a resumed transfer was resumed, in every state', () => {
    const resumed = { resumed: true };
    expect(
      transferStateLabel(job({ ...resumed, state: 'queued' }), null, trans)
    ).toBe('Resumed');
    expect(transferStateLabel({ ...running, ...resumed }, 42, trans)).toBe(
      '42% · resumed'
    );
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
