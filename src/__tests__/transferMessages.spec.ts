import { nullTranslator } from '@jupyterlab/translation';

import { ITransfer } from '../apiTypes';
import { batchNotice, finishedNotice } from '../transferMessages';

const trans = nullTranslator.load('ctadata_lab');

function job(changes: Partial<ITransfer>): ITransfer {
  return {
    id: 'j1',
    kind: 'download',
    path: 'lst/DL1/run.h5',
    local: 'data/lst/run.h5',
    recursive: false,
    state: 'done',
    bytes_done: 10,
    bytes_total: 10,
    rate: null,
    files_done: 1,
    files_total: 1,
    error: null,
    created: '2026-01-01T00:00:00Z',
    finished: '2026-01-01T00:00:01Z',
    ...changes
  };
}

describe('finishedNotice', () => {
  it('says where a download went', () => {
    expect(finishedNotice(job({}), trans)).toEqual({
      message: 'Downloaded run.h5 to data/lst/',
      type: 'success',
      autoClose: 5000
    });
  });

  it('says where an upload went', () => {
    const notice = finishedNotice(
      job({ kind: 'upload', path: 'lst/users/alice/a.txt' }),
      trans
    );
    expect(notice.message).toBe('Uploaded a.txt to lst/users/alice/');
  });

  it('keeps a failure on screen with its error', () => {
    expect(
      finishedNotice(job({ state: 'failed', error: 'disk full' }), trans)
    ).toEqual({
      message: 'Transfer of run.h5 failed: disk full',
      type: 'error',
      autoClose: false
    });
  });

  it('reports a cancel as information', () => {
    expect(finishedNotice(job({ state: 'cancelled' }), trans)).toMatchObject({
      type: 'info',
      message: 'Transfer of run.h5 cancelled'
    });
  });

  it('reports a download held by conflicts as information', () => {
    expect(finishedNotice(job({ state: 'conflict' }), trans)).toMatchObject({
      type: 'info',
      message:
        'Download of run.h5 waits: workspace files differ from the storage'
    });
  });
});

describe('batchNotice', () => {
  const done = job({ kind: 'browser-upload' });
  const failed = job({ state: 'failed', path: 'x/b.txt', error: 'refused' });
  const cancelled = job({ state: 'cancelled' });

  it('counts the uploaded files', () => {
    expect(
      batchNotice(
        { done: [done, done], failed: [], cancelled: [] },
        'f/',
        trans
      )
    ).toEqual({
      type: 'success',
      autoClose: 5000,
      message: 'Uploaded 2 files to f/'
    });
  });

  it('names the first failure', () => {
    const notice = batchNotice(
      { done: [done], failed: [failed, failed], cancelled: [] },
      'f/',
      trans
    );
    expect(notice).toMatchObject({ type: 'error', autoClose: false });
    expect(notice.message).toBe('2 uploads failed (first: b.txt: refused)');
  });

  it('says when the whole batch was cancelled', () => {
    expect(
      batchNotice({ done: [], failed: [], cancelled: [cancelled] }, 'f/', trans)
        .message
    ).toBe('Upload to f/ cancelled');
  });
});
