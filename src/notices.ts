/**
 * Notifications of long operations: an in-progress toast that later becomes
 * the result, and the result message of a finished transfer.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyJSONValue } from '@lumino/coreutils';

import { isFinished, ITransfer } from './api';
import { baseName, parentDir } from './paths';
import { IBatchResult } from './browserUploads';
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
 * The message, type and lifetime of a toast.
 */
export interface IResultNotice {
  message: string;
  type: Notification.TypeOptions;
  autoClose: number | false;
}

/**
 * The toast that says how a transfer ended.
 */
export function finishedNotice(
  job: ITransfer,
  trans: TranslationBundle
): IResultNotice {
  const name = baseName(job.path) || job.path;
  if (job.state === 'done') {
    const message =
      job.kind === 'download'
        ? trans.__(
            'Downloaded %1 to %2',
            name,
            PathExt.dirname(job.local ?? '') + '/'
          )
        : trans.__('Uploaded %1 to %2', name, parentDir(job.path));
    return { message, type: 'success', autoClose: 5000 };
  }
  if (job.state === 'cancelled') {
    return {
      message: trans.__('Transfer of %1 cancelled', name),
      type: 'info',
      autoClose: 5000
    };
  }
  return {
    message: trans.__('Transfer of %1 failed: %2', name, job.error ?? ''),
    type: 'error',
    autoClose: false
  };
}

/**
 * The toast that says how a batch of uploads from this computer to `where`
 * ended.
 */
export function batchNotice(
  result: IBatchResult,
  where: string,
  trans: TranslationBundle
): IResultNotice {
  if (result.failed.length) {
    const first = result.failed[0];
    return {
      type: 'error',
      autoClose: false,
      message: trans._n(
        '%1 upload failed (%2: %3)',
        '%1 uploads failed (first: %2: %3)',
        result.failed.length,
        baseName(first.path),
        first.error ?? ''
      )
    };
  }
  if (result.cancelled.length && !result.done.length) {
    return {
      type: 'info',
      autoClose: 5000,
      message: trans.__('Upload to %1 cancelled', where)
    };
  }
  return {
    type: 'success',
    autoClose: 5000,
    message: trans._n(
      'Uploaded %1 file to %2',
      'Uploaded %1 files to %2',
      result.done.length,
      where
    )
  };
}

/**
 * Shows a transfer's progress toast while it runs and its result when it
 * ends; `onFinished` hears of every end first.
 */
export class TransferNotifier {
  constructor(
    transfers: TransferModel,
    private _trans: TranslationBundle,
    onFinished: (job: ITransfer) => void
  ) {
    transfers.finished.connect((_, job) => {
      onFinished(job);
      this._finished(job);
    });
  }

  /**
   * Show `message` in progress until `job` ends.
   */
  track(job: ITransfer, message: string): void {
    if (!isFinished(job)) {
      this._notices.set(job.id, new ProgressNotice(message));
    }
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
