/**
 * Notifications of long operations: an in-progress toast that later becomes
 * the result, and the result message of a finished transfer.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyJSONValue } from '@lumino/coreutils';

import { isFinished, ITransfer, TransferRequest } from '../apiTypes';
import { finishedNotice, startedMessage } from './transferMessages';
import { TransferModel } from './transferModel';

/**
 * How long a toast is on screen before it may be updated, in ms.
 */
const NOTICE_SETTLE_MS = 600;

/**
 * An in-progress notification that is later turned into its result.
 *
 * JupyterLab loses the update of a toast that is not on screen yet, which
 * happens when a transfer ends within milliseconds: updates wait until the
 * toast has been shown for a moment.
 */
export class ProgressNotice {
  constructor(message: string) {
    this.id = Notification.emit(message, 'in-progress', { autoClose: false });
  }

  readonly id: string;

  async update(
    args: Omit<Notification.IUpdate<ReadonlyJSONValue>, 'id'>
  ): Promise<boolean> {
    await this._settled();
    return Notification.update({ ...args, id: this.id });
  }

  async dismiss(): Promise<void> {
    await this._settled();
    Notification.dismiss(this.id);
  }

  private _settled(): Promise<void> {
    const wait = this._shownAt + NOTICE_SETTLE_MS - Date.now();
    return wait > 0
      ? new Promise(resolve => window.setTimeout(resolve, wait))
      : Promise.resolve();
  }

  private _shownAt = Date.now();
}

/**
 * Shows a transfer's progress toast while it runs and its result when it
 * ends; `onFinished` hears of every end first.
 */
export class TransferNotifier {
  constructor(
    private _transfers: TransferModel,
    private _trans: TranslationBundle,
    onFinished: (job: ITransfer) => void
  ) {
    _transfers.finished.connect((_, job) => {
      onFinished(job);
      this._finished(job);
    });
  }

  /**
   * Start a transfer on the server extension, its progress shown until it ends.
   */
  async start(request: TransferRequest): Promise<ITransfer> {
    const job = await this._transfers.startTransfer(request);
    if (!isFinished(job)) {
      const message = startedMessage(request, job, this._trans);
      this._notices.set(job.id, new ProgressNotice(message));
    }
    return job;
  }

  private _finished(job: ITransfer): void {
    if (job.kind === 'browser-upload') {
      // Reported per batch, in the tab that streams them.
      return;
    }
    const { message, type, autoClose } = finishedNotice(job, this._trans);
    const notice = this._notices.get(job.id);
    this._notices.delete(job.id);
    const updated = notice
      ? notice.update({ message, type, autoClose })
      : Promise.resolve(false);
    void updated.then(done => {
      if (!done) {
        Notification.emit(message, type, { autoClose });
      }
    });
  }

  private _notices = new Map<string, ProgressNotice>();
}
