/**
 * The uploads this browser tab streams itself (`PUT upload`), a few at a
 * time, each shown as a transfer job of kind `browser-upload`.
 */
import { PromiseDelegate } from '@lumino/coreutils';

import { CtadataClient } from '../api';
import { isFinished, ITransfer } from '../apiTypes';
import { asError } from '../errors';

/**
 * One file to stream from the browser.
 */
export interface IBrowserUpload {
  file: File;
  /**
   * The remote path relative to the user's upload folder (`sub/a.txt`).
   */
  path: string;
}

/**
 * How a batch of browser uploads ended.
 */
export interface IBatchResult {
  done: ITransfer[];
  failed: ITransfer[];
  cancelled: ITransfer[];
}

interface ILocalUpload {
  job: ITransfer;
  file: File;
  relative: string;
  abort: AbortController;
  done: PromiseDelegate<ITransfer>;
}

let localCounter = 0;

export class BrowserUploads {
  constructor(options: BrowserUploads.IOptions) {
    this._client = options.client;
    this._concurrency = options.concurrency;
    this._onChange = options.onChange;
    this._onStart = options.onStart;
    this._onEnd = options.onEnd;
  }

  /**
   * The uploads, newest first.
   */
  get jobs(): ITransfer[] {
    return this._uploads.map(upload => upload.job);
  }

  set concurrency(value: number) {
    this._concurrency = value;
    this._pump();
  }

  /**
   * The upload of that remote path, if this tab streams it.
   */
  byPath(path: string): ITransfer | undefined {
    return this._uploads.find(upload => upload.job.path === path)?.job;
  }

  /**
   * Stream files to `folder`, the user's upload folder (shown in the jobs'
   * paths). Resolves when every file of the batch has ended.
   */
  add(files: IBrowserUpload[], folder: string): Promise<IBatchResult> {
    const uploads = files.map(({ file, path }) =>
      this._queue(file, path, folder)
    );
    this._onChange();
    this._pump();
    return Promise.all(uploads.map(upload => upload.done.promise)).then(
      jobs => ({
        done: jobs.filter(job => job.state === 'done'),
        failed: jobs.filter(job => job.state === 'failed'),
        cancelled: jobs.filter(job => job.state === 'cancelled')
      })
    );
  }

  /**
   * Cancel the upload `id`; false when it is not one of ours.
   */
  cancel(id: string): boolean {
    const upload = this._uploads.find(u => u.job.id === id);
    if (upload && !isFinished(upload.job)) {
      upload.abort.abort();
      this._end(upload, 'cancelled', null);
    }
    return !!upload;
  }

  /**
   * Forget the uploads that have ended.
   */
  dismissFinished(): void {
    this._uploads = this._uploads.filter(upload => !isFinished(upload.job));
  }

  /**
   * Abort every upload (the tab goes away).
   */
  abortAll(): void {
    for (const upload of this._uploads) {
      upload.abort.abort();
    }
  }

  private _queue(file: File, relative: string, folder: string): ILocalUpload {
    const job: ITransfer = {
      id: `browser-${++localCounter}-${Date.now()}`,
      kind: 'browser-upload',
      path: folder + relative,
      local: null,
      recursive: false,
      state: 'queued',
      bytes_done: 0,
      bytes_total: file.size,
      rate: null,
      files_done: 0,
      files_total: 1,
      error: null,
      created: new Date().toISOString(),
      finished: null
    };
    const upload: ILocalUpload = {
      job,
      file,
      relative,
      abort: new AbortController(),
      done: new PromiseDelegate<ITransfer>()
    };
    this._uploads.unshift(upload);
    return upload;
  }

  /**
   * Start queued uploads while there is room.
   */
  private _pump(): void {
    let running = this._uploads.filter(u => u.job.state === 'running').length;
    // Oldest first: the list is newest first.
    const queued = this._uploads
      .filter(u => u.job.state === 'queued')
      .reverse();
    for (const upload of queued) {
      if (running >= this._concurrency) {
        break;
      }
      running++;
      void this._run(upload);
    }
  }

  private async _run(upload: ILocalUpload): Promise<void> {
    const job = upload.job;
    job.state = 'running';
    this._onChange();
    this._onStart();
    try {
      const result = await this._client.uploadFile(
        upload.file,
        upload.relative,
        {
          signal: upload.abort.signal,
          onProgress: (loaded, total) => {
            if (!isFinished(job)) {
              job.bytes_done = loaded;
              job.bytes_total = total || job.bytes_total;
              this._onChange();
            }
          }
        }
      );
      job.path = result.path || job.path;
      job.bytes_done = result.total_written ?? job.bytes_done;
      this._end(upload, 'done', null);
    } catch (error) {
      const err = asError(error);
      if (err.reason === 'aborted') {
        this._end(upload, 'cancelled', null);
      } else {
        this._end(upload, 'failed', err.message);
      }
    }
  }

  private _end(
    upload: ILocalUpload,
    state: 'done' | 'failed' | 'cancelled',
    error: string | null
  ): void {
    const job = upload.job;
    if (isFinished(job)) {
      return;
    }
    job.state = state;
    job.error = error;
    job.rate = null;
    job.finished = new Date().toISOString();
    if (state === 'done') {
      job.files_done = 1;
    }
    this._onEnd(job);
    upload.done.resolve(job);
    this._pump();
  }

  private _client: CtadataClient;
  private _concurrency: number;
  private _onChange: () => void;
  private _onStart: () => void;
  private _onEnd: (job: ITransfer) => void;
  private _uploads: ILocalUpload[] = [];
}

export namespace BrowserUploads {
  export interface IOptions {
    client: CtadataClient;
    /**
     * How many files are sent at the same time.
     */
    concurrency: number;
    /**
     * An upload was queued, started or made progress.
     */
    onChange: () => void;
    /**
     * An upload started sending.
     */
    onStart: () => void;
    /**
     * An upload ended (done, failed or cancelled).
     */
    onEnd: (job: ITransfer) => void;
  }
}
