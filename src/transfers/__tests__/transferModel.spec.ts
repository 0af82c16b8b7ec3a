import { PromiseDelegate } from '@lumino/coreutils';

import { CtadataClient } from '../../api';
import { ITransfer, IUploadResult } from '../../apiTypes';
import { TransferModel } from '../transferModel';
import { job } from './jobs';

/**
 * The server extension's side, scripted: `jobs` is what the next poll
 * answers; each browser upload waits until the test ends it.
 */
class ScriptedServer {
  jobs: ITransfer[] = [];
  uploads: PromiseDelegate<IUploadResult>[] = [];

  async listTransfers(): Promise<ITransfer[]> {
    return this.jobs.map(item => ({ ...item }));
  }

  async startTransfer(): Promise<ITransfer> {
    return job({ id: 'started', state: 'queued', finished: null });
  }

  uploadFile(): Promise<IUploadResult> {
    const answer = new PromiseDelegate<IUploadResult>();
    this.uploads.push(answer);
    return answer.promise;
  }
}

function modelOn(server: ScriptedServer): TransferModel {
  const client = server as unknown as CtadataClient;
  return new TransferModel({ client, concurrency: 2 });
}

/**
 * One poll of the server, as the model's timer would make it.
 */
async function poll(model: TransferModel): Promise<void> {
  const changed = new Promise<void>(resolve => {
    const once = () => {
      model.changed.disconnect(once);
      resolve();
    };
    model.changed.connect(once);
  });
  await model['_poll'].refresh();
  await changed;
}

const running = (changes: Partial<ITransfer>) =>
  job({ state: 'running', finished: null, rate: 5, ...changes });

describe('TransferModel', () => {
  it('lists its own browser upload once, with the server rate', async () => {
    const server = new ScriptedServer();
    const model = modelOn(server);
    model.start();
    const file = new File(['abc'], 'a.txt');
    void model.uploadFiles([{ file, path: 'a.txt' }], 'lst/users/me/');
    server.jobs = [
      running({ id: 's1', kind: 'browser-upload', path: 'lst/users/me/a.txt' }),
      running({ id: 's2', created: '2026-01-01T00:00:05Z' })
    ];
    await poll(model);
    const shown = model.transfers;
    expect(shown.map(item => item.kind)).toEqual([
      'browser-upload',
      'download'
    ]);
    expect(shown[0].id).not.toBe('s1');
    expect(shown[0].rate).toBe(5);
    server.uploads[0].resolve({
      status: 'uploaded',
      path: 'lst/users/me/a.txt',
      total_written: 3
    });
    model.dispose();
  });

  it('tells of an end once, and only for a transfer it saw running', async () => {
    const server = new ScriptedServer();
    const model = modelOn(server);
    const ended: string[] = [];
    model.finished.connect((_, item) => ended.push(item.id));
    model.start();
    server.jobs = [running({ id: 'a' }), job({ id: 'old' })];
    await poll(model);
    server.jobs = [job({ id: 'a' }), job({ id: 'old' })];
    await poll(model);
    await poll(model);
    expect(ended).toEqual(['a']);
    expect(model.hasActive).toBe(false);
    model.dispose();
  });

  it('answers a waiter with the end, or with not_found when the server forgot', async () => {
    const server = new ScriptedServer();
    const model = modelOn(server);
    model.start();
    server.jobs = [running({ id: 'a' }), running({ id: 'b' })];
    await poll(model);
    const a = model.whenFinished('a');
    const b = model.whenFinished('b');
    server.jobs = [job({ id: 'a', state: 'failed', error: 'lost' })];
    await poll(model);
    await expect(a).resolves.toMatchObject({ state: 'failed', error: 'lost' });
    await expect(b).rejects.toMatchObject({ reason: 'not_found' });
    model.dispose();
  });

  it('keeps a started transfer until the next whole list, and hides dismissed ones', async () => {
    const server = new ScriptedServer();
    const model = modelOn(server);
    model.start();
    await poll(model);
    await model.startTransfer({
      kind: 'download',
      path: 'x',
      to: 'd',
      recursive: false,
      overwrite: false
    });
    expect(model.transfers.map(item => item.id)).toEqual(['started']);
    server.jobs = [job({ id: 'started' }), running({ id: 'r' })];
    await poll(model);
    model.dismissFinished();
    expect(model.transfers.map(item => item.id)).toEqual(['r']);
    model.dispose();
  });
});
