import { nullTranslator } from '@jupyterlab/translation';

import {
  batchNotice,
  busyMessage,
  finishedNotice,
  startedMessage
} from '../transferMessages';
import { job } from './jobs';

const trans = nullTranslator.load('ctadata_lab');

describe('busyMessage', () => {
  const request = {
    kind: 'download' as const,
    path: 'lst/DL1/run.h5',
    to: 'data',
    recursive: false,
    overwrite: false
  };

  it('says that the file is already being downloaded there, and what to do', () => {
    const message = busyMessage(request, trans);
    expect(message).toBe(
      'The file run.h5 is already being downloaded to data/: wait for that download to end, or cancel it in the transfers list.'
    );
    expect(message).not.toMatch(/replace|overwrite/i);
  });

  it('says folder for a folder, and / for the top folder', () => {
    const folder = { ...request, path: 'lst/DL1/', to: '', recursive: true };
    expect(busyMessage(folder, trans)).toBe(
      'The folder DL1 is already being downloaded to /: wait for that download to end, or cancel it in the transfers list.'
    );
  });
});

describe('startedMessage', () => {
  it('says what is downloaded where, the top folder as /', () => {
    const request = {
      kind: 'download' as const,
      path: 'lst/DL1/run.h5',
      recursive: false,
      overwrite: false
    };
    expect(startedMessage({ ...request, to: 'data' }, job({}), trans)).toBe(
      'Downloading run.h5 to data/'
    );
    expect(startedMessage({ ...request, to: '' }, job({}), trans)).toBe(
      'Downloading run.h5 to /'
    );
  });

  it('says what is uploaded into which storage folder', () => {
    const request = {
      kind: 'upload' as const,
      from: 'work/notes.txt',
      path: 'notes.txt',
      recursive: false
    };
    const started = job({ kind: 'upload', path: 'lst/users/alice/notes.txt' });
    expect(startedMessage(request, started, trans)).toBe(
      'Uploading notes.txt to lst/users/alice/'
    );
  });
});

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

  it('says which file a skipped download kept', () => {
    const skipped = job({ conflicts: ['data/lst/run.h5'], conflicts_total: 1 });
    expect(finishedNotice(skipped, trans)).toMatchObject({
      type: 'info',
      message:
        'Skipped run.h5: the workspace copy differs from the storage and was kept'
    });
  });

  it('counts the files a folder download kept', () => {
    const folder = job({
      path: 'lst/DL1/',
      local: 'data/DL1',
      recursive: true,
      conflicts: ['data/DL1/a.h5', 'data/DL1/b.h5'],
      conflicts_total: 2
    });
    expect(finishedNotice(folder, trans).message).toBe(
      'Downloaded DL1 to data/, except 2 files that differ and were kept'
    );
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
