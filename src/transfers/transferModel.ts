/**
 * The transfers the panel knows about: the server extension's jobs (polled)
 * and the uploads this browser tab is streaming itself (`PUT upload`).
 */
import { IDisposable } from '@lumino/disposable';
import { PromiseDelegate } from '@lumino/coreutils';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { CtadataClient } from '../api';
import { isFinished, ITransfer, TransferRequest } from '../apiTypes';
import { BrowserUploads, IBatchResult, IBrowserUpload } from './browserUploads';
import { CtadataError } from '../errors';

/**
 * Poll every second while a transfer runs, and now and then otherwise (a
 * transfer may have been started from another tab); after a failed poll,
 * back off up to a minute.
 */
const ACTIVE_INTERVAL = 1000;
const IDLE_INTERVAL = 15000;
const ERROR_INTERVAL = 60000;

export class TransferModel implements IDisposable {
  constructor(options: TransferModel.IOptions) {
    this.client = options.client;
    this._concurrency = options.concurrency;
    this._local = new BrowserUploads({
      client: this.client,
      concurrency: this._concurrency,
      onChange: () => this._changed.emit(),
      onStart: () => this._scheduleSoon(),
      onEnd: job => this._onLocalEnd(job)
    });
    this._poll = new Poll({
      auto: false,
      factory: () => this._fetch(),
      frequency: {
        interval: IDLE_INTERVAL,
        backoff: true,
        max: ERROR_INTERVAL
      },
      name: 'ctadata-lab:transfers'
    });
  }

  readonly client: CtadataClient;

  /**
   * The list changed (new transfer, progress, end).
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * A transfer this model saw running has ended (done, failed, cancelled).
   */
  get finished(): ISignal<this, ITransfer> {
    return this._finished;
  }

  /**
   * All transfers, newest first, without the dismissed ones.
   */
  get transfers(): ITransfer[] {
    const local = this._local.jobs;
    // The server lists our own browser uploads too: show them once.
    const server = this._server.filter(job => !this._ownUpload(job));
    return [...local, ...server]
      .filter(job => !this._dismissed.has(job.id))
      .sort((a, b) =>
        a.created < b.created ? 1 : a.created > b.created ? -1 : 0
      );
  }

  /**
   * The transfers still queued or running.
   */
  get active(): ITransfer[] {
    return this.transfers.filter(job => !isFinished(job));
  }

  get hasActive(): boolean {
    return this.active.length > 0;
  }

  /**
   * How many files this tab uploads at the same time.
   */
  get concurrency(): number {
    return this._concurrency;
  }

  set concurrency(value: number) {
    this._concurrency = Math.max(1, Math.floor(value) || 1);
    this._local.concurrency = this._concurrency;
  }

  /**
   * Start polling the server extension.
   */
  start(): void {
    void this._poll.start();
  }

  /**
   * Start a server-side transfer (download or upload from the workspace).
   */
  async startTransfer(request: TransferRequest): Promise<ITransfer> {
    const job = await this.client.startTransfer(request);
    this._seenRunning.add(job.id);
    this._mergeServer([job], false);
    this._scheduleSoon();
    return job;
  }

  /**
   * Resolve when the transfer `id` has ended (with its last state).
   */
  whenFinished(id: string): Promise<ITransfer> {
    const known = this._findJob(id);
    if (known && isFinished(known)) {
      return Promise.resolve(known);
    }
    let delegate = this._waiting.get(id);
    if (!delegate) {
      delegate = new PromiseDelegate<ITransfer>();
      this._waiting.set(id, delegate);
      this._seenRunning.add(id);
      this._scheduleSoon();
    }
    return delegate.promise;
  }

  /**
   * Cancel a transfer: abort a browser upload, or ask the server to cancel.
   */
  async cancel(id: string): Promise<void> {
    if (this._local.cancel(id)) {
      return;
    }
    const job = await this.client.cancelTransfer(id);
    this._mergeServer([job], false);
    this._scheduleSoon();
  }

  /**
   * Cancel everything still running.
   */
  async cancelAll(): Promise<void> {
    await Promise.all(
      this.active.map(job => this.cancel(job.id).catch(() => undefined))
    );
  }

  /**
   * Hide the finished transfers from the list.
   */
  dismissFinished(): void {
    for (const job of this._server) {
      if (isFinished(job)) {
        this._dismissed.add(job.id);
      }
    }
    this._local.dismissFinished();
    this._changed.emit();
  }

  /**
   * Stream files from the browser to the user's upload folder (`folder`,
   * shown in the jobs' paths), a few at a time. Resolves when every file of
   * the batch has ended.
   */
  uploadFiles(files: IBrowserUpload[], folder: string): Promise<IBatchResult> {
    return this._local.add(files, folder);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._local.abortAll();
    Signal.clearData(this);
  }

  /**
   * One poll: take the server's list, and poll sooner while transfers run.
   */
  private async _fetch(): Promise<void> {
    const jobs = await this.client.listTransfers();
    this._mergeServer(jobs);
    const running = this._waiting.size > 0 || this.hasActive;
    this._poll.frequency = {
      ...this._poll.frequency,
      interval: running ? ACTIVE_INTERVAL : IDLE_INTERVAL
    };
  }

  private _findJob(id: string): ITransfer | undefined {
    return [...this._local.jobs, ...this._server].find(job => job.id === id);
  }

  /**
   * The server's record of a browser upload this tab streams.
   */
  private _ownUpload(job: ITransfer): ITransfer | undefined {
    return job.kind === 'browser-upload'
      ? this._local.byPath(job.path)
      : undefined;
  }

  /**
   * Take the server's view of jobs; `complete` says it is the whole list.
   */
  private _mergeServer(jobs: ITransfer[], complete = true): void {
    const byId = new Map(this._server.map(job => [job.id, job]));
    if (complete) {
      byId.clear();
    }
    for (const job of jobs) {
      byId.set(job.id, job);
    }
    this._server = [...byId.values()];
    // Our own browser uploads are reported by the uploads themselves, but
    // with the server's rate.
    for (const job of this._server) {
      const local = this._ownUpload(job);
      if (local) {
        if (!isFinished(local)) {
          local.rate = job.rate;
        }
        continue;
      }
      if (!isFinished(job)) {
        this._seenRunning.add(job.id);
      } else if (this._seenRunning.has(job.id)) {
        this._seenRunning.delete(job.id);
        this._finished.emit(job);
      }
      if (isFinished(job)) {
        this._resolveWaiting(job);
      }
    }
    if (complete) {
      // A job we wait for that the server forgot: it will not end any more.
      for (const [id, waiting] of [...this._waiting]) {
        if (!byId.has(id) && !this._local.jobs.some(job => job.id === id)) {
          this._waiting.delete(id);
          waiting.reject(
            new CtadataError('The transfer is no longer known.', 'not_found')
          );
        }
      }
    }
    this._changed.emit();
  }

  private _onLocalEnd(job: ITransfer): void {
    this._changed.emit();
    this._finished.emit(job);
    this._resolveWaiting(job);
  }

  /**
   * Answer whoever waits for this finished job (`whenFinished`).
   */
  private _resolveWaiting(job: ITransfer): void {
    this._waiting.get(job.id)?.resolve(job);
    this._waiting.delete(job.id);
  }

  /**
   * Poll now: a transfer started, or someone waits for one to end.
   */
  private _scheduleSoon(): void {
    if (this._poll.state.phase !== 'constructed' && !this._isDisposed) {
      void this._poll.refresh();
    }
  }

  private _server: ITransfer[] = [];
  private _local: BrowserUploads;
  private _dismissed = new Set<string>();
  private _seenRunning = new Set<string>();
  private _waiting = new Map<string, PromiseDelegate<ITransfer>>();
  private _concurrency: number;
  private _poll: Poll;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _finished = new Signal<this, ITransfer>(this);
}

export namespace TransferModel {
  export interface IOptions {
    client: CtadataClient;
    /**
     * How many files this tab uploads at the same time.
     */
    concurrency: number;
  }
}
