/**
 * Uploads into the user's storage folder: files of this computer, streamed
 * by the tab, and workspace files, sent by the server extension; both ask
 * first before replacing what is there.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';

import { ITransfer } from '../apiTypes';
import { IBrowserUpload } from './browserUploads';
import { askReplaceUpload } from './dialogs';
import { asError } from '../errors';
import { ProgressNotice, TransferNotifier } from './notices';
import { normalizeDir, parentDir } from '../paths';
import { IActionContext } from '../tokens';
import { batchNotice } from './transferMessages';

export class UploadActions {
  /**
   * `onStarted`: uploads the user asked for have started.
   */
  constructor(
    private _ctx: IActionContext,
    private _notifier: TransferNotifier,
    private _onStarted: () => void
  ) {}

  /**
   * Stream files from the computer into the upload folder (`target` is
   * relative to it), after a check for names that already exist there.
   */
  async uploadFiles(files: IBrowserUpload[], target: string): Promise<void> {
    const { trans, transfers } = this._ctx;
    const folder = this._uploadFolderOrSay();
    if (folder === null || !files.length) {
      return;
    }
    const dir = normalizeDir(target);
    const where = folder + dir;
    const tops = [...new Set(files.map(f => f.path.split('/')[0]))];
    if (!(await this._confirmReplace(tops, where))) {
      return;
    }
    const notice = new ProgressNotice(
      trans._n(
        'Uploading %1 file to %2',
        'Uploading %1 files to %2',
        files.length,
        where
      )
    );
    this._onStarted();
    const result = await transfers.uploadFiles(
      files.map(f => ({ file: f.file, path: dir + f.path })),
      folder
    );
    this._refreshIfShowing(where);
    void notice.update(batchNotice(result, where, trans));
  }

  /**
   * Upload workspace files or folders (paths of the file browser) into the
   * upload folder; the server extension does the transfer.
   */
  async uploadWorkspacePaths(paths: string[], target: string): Promise<void> {
    const { trans } = this._ctx;
    const folder = this._uploadFolderOrSay();
    if (folder === null) {
      return;
    }
    const dir = normalizeDir(target);
    const locals = paths.map(path => this._contents.localPath(path));
    const names = locals.map(p => PathExt.basename(p));
    if (!(await this._confirmReplace(names, folder + dir))) {
      return;
    }
    let started = 0;
    for (const local of locals) {
      try {
        const model = await this._contents.get(local, { content: false });
        await this._notifier.start({
          kind: 'upload',
          from: local,
          path: dir + PathExt.basename(local),
          recursive: model.type === 'directory'
        });
        started++;
      } catch (error) {
        Notification.error(
          trans.__('Could not upload %1: %2', local, asError(error).message),
          { autoClose: false }
        );
      }
    }
    if (started) {
      this._onStarted();
    }
  }

  /**
   * Ask for files (or a directory) with the browser's file picker, then
   * upload them.
   */
  pickAndUpload(directory: boolean): void {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.webkitdirectory = directory;
    const target = this._ctx.model.uploadTarget;
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []).map(file => ({
        file,
        path: (directory && file.webkitRelativePath) || file.name
      }));
      void this.uploadFiles(files, target);
    });
    input.click();
  }

  /**
   * An upload of the server extension ended: show its folder again if the
   * panel shows it. (A batch from this computer does so when it ends.)
   */
  finished(job: ITransfer): void {
    if (job.state === 'done' && job.kind === 'upload') {
      this._refreshIfShowing(parentDir(job.path));
    }
  }

  /**
   * Whether the upload may go on: true when none of `names` exists in
   * `remoteDir`, or the user says to replace them.
   */
  private async _confirmReplace(
    names: string[],
    remoteDir: string
  ): Promise<boolean> {
    const { trans, settings, model } = this._ctx;
    if (!settings.confirmOverwrite || !names.length) {
      return true;
    }
    let existing: string[];
    try {
      const listing =
        normalizeDir(remoteDir) === model.path && model.status === 'ready'
          ? model.entries
          : (await model.client.list(remoteDir)).entries;
      const have = new Set(listing.map(entry => entry.name));
      existing = names.filter(name => have.has(name));
    } catch {
      // The folder does not exist yet (or cannot be listed): nothing to replace.
      existing = [];
    }
    return !existing.length || askReplaceUpload(trans, existing, remoteDir);
  }

  /**
   * The upload folder; null, said in a notification, when there is none.
   */
  private _uploadFolderOrSay(): string | null {
    const { trans, model } = this._ctx;
    const folder = model.uploadFolder;
    if (!folder) {
      Notification.error(
        model.config
          ? trans.__(
              'No upload folder is available for your account: uploads are not possible.'
            )
          : trans.__('CTA Storage is not ready: see the panel for what to do.'),
        { autoClose: false }
      );
    }
    return folder;
  }

  private _refreshIfShowing(remoteDir: string): void {
    const model = this._ctx.model;
    if (normalizeDir(remoteDir) === model.path) {
      void model.refresh();
    }
  }

  private readonly _contents = this._ctx.app.serviceManager.contents;
}
