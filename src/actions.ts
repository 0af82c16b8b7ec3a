/**
 * The actions behind the commands, usable by the panel too: downloads and
 * uploads (each in its own module), copying paths and snippets, and what a
 * finished transfer changes.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';

import { CertificateKey, IEntry, ITransfer } from './apiTypes';
import { CERTIFICATE_KEYS } from './certificateDialog';
import { DownloadActions } from './transfers/downloadActions';
import { TransferNotifier } from './transfers/notices';
import { IActionContext } from './tokens';
import { UploadActions } from './transfers/uploadActions';
import { pythonSnippet } from './workspace';

export class StorageActions {
  constructor(private _ctx: IActionContext) {
    const notifier = new TransferNotifier(_ctx.transfers, _ctx.trans, job =>
      this._onFinished(job)
    );
    const started = () => this._transfersStarted.emit();
    this.downloads = new DownloadActions(_ctx, notifier, started);
    this.uploads = new UploadActions(_ctx, notifier, started);
  }

  readonly downloads: DownloadActions;
  readonly uploads: UploadActions;

  /**
   * Transfers the user asked for have started: the panel shows its
   * transfers list.
   */
  get transfersStarted(): ISignal<this, void> {
    return this._transfersStarted;
  }

  copyPaths(entries: IEntry[]): void {
    Clipboard.copyToSystem(entries.map(entry => entry.path).join('\n'));
  }

  copySnippet(entries: IEntry[]): void {
    Clipboard.copyToSystem(pythonSnippet(entries));
  }

  /**
   * The storage area to preselect for a certificate: that of the upload folder.
   */
  defaultCertificateKey(): CertificateKey {
    const area = (this._ctx.model.uploadFolder ?? '').split('/')[0];
    return (CERTIFICATE_KEYS as string[]).includes(area)
      ? (area as CertificateKey)
      : 'lst';
  }

  /**
   * Show what a finished transfer changed.
   */
  private _onFinished(job: ITransfer): void {
    if (job.kind === 'download') {
      this.downloads.finished(job);
    } else {
      this.uploads.finished(job);
    }
  }

  private _transfersStarted = new Signal<this, void>(this);
}
