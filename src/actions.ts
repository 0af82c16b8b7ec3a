/**
 * The actions behind the commands, usable by the panel too: downloads and
 * uploads (each in its own module), copying paths and snippets, and what a
 * finished transfer changes.
 */
import { Clipboard } from '@jupyterlab/apputils';

import { CertificateKey, IEntry, ITransfer } from './apiTypes';
import { CERTIFICATE_KEYS } from './certificateDialog';
import { DownloadActions } from './transfers/downloadActions';
import { TransferNotifier } from './transfers/notices';
import { ICommandContext } from './tokens';
import { UploadActions } from './transfers/uploadActions';
import { pythonSnippet } from './workspace';

export class StorageActions {
  constructor(private _ctx: ICommandContext) {
    const notifier = new TransferNotifier(
      _ctx.panel.transfers,
      _ctx.trans,
      job => this._onFinished(job)
    );
    this.downloads = new DownloadActions(_ctx, notifier);
    this.uploads = new UploadActions(_ctx, notifier);
  }

  readonly downloads: DownloadActions;
  readonly uploads: UploadActions;

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
    const area = (this._ctx.panel.model.uploadFolder ?? '').split('/')[0];
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
}
