/**
 * The actions behind the commands, usable by the panel too: they ask what
 * needs asking, talk to the Contents API and the transfers, and notify.
 */
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { Contents } from '@jupyterlab/services';

import { CertificateKey, IEntry, ITransfer, TransferRequest } from './apiTypes';
import { CERTIFICATE_KEYS } from './certificateDialog';
import { askConflict, jobConflict } from './conflictDialog';
import { askReplaceUpload } from './dialogs';
import { asError } from './errors';
import { ProgressNotice, TransferNotifier } from './notices';
import { baseName, normalizeDir, parentDir } from './paths';
import { ICommandContext } from './tokens';
import { batchNotice } from './transferMessages';
import { IBrowserUpload } from './browserUploads';
import {
  ensureDirectory,
  pythonSnippet,
  refreshFileBrowsers
} from './workspace';

/**
 * Files bigger than this are not opened in JupyterLab (they would be loaded
 * whole into the browser); download them instead.
 */
export const MAX_OPEN_BYTES = 100 * 1000 * 1000;

export class StorageActions {
  constructor(private _ctx: ICommandContext) {
    this._notifier = new TransferNotifier(
      _ctx.panel.transfers,
      _ctx.trans,
      job => this._onFinished(job)
    );
  }

  private get _contents(): Contents.IManager {
    return this._ctx.app.serviceManager.contents;
  }

  /**
   * The workspace folder downloads go to: the setting, else the folder the
   * file browser shows.
   */
  defaultDownloadFolder(): string {
    const setting = this._ctx.settings.downloadFolder.trim();
    if (setting) {
      return setting.replace(/^\/+|\/+$/g, '');
    }
    const browser =
      this._ctx.defaultBrowser ??
      this._ctx.browserFactory?.tracker.currentWidget;
    return browser ? this._contents.localPath(browser.model.path) : '';
  }

  /**
   * Whether JupyterLab knows how to open a file of that name.
   */
  canOpen(entry: IEntry): boolean {
    if (entry.type === 'directory') {
      return true;
    }
    if ((entry.size ?? 0) > MAX_OPEN_BYTES) {
      return false;
    }
    return this._ctx.docRegistry.getFileTypesForPath(entry.name).length > 0;
  }

  /**
   * Download remote entries into a workspace folder.
   */
  async download(entries: IEntry[], to: string): Promise<ITransfer[]> {
    if (!entries.length) {
      return [];
    }
    await this._ensureDirectory(to);
    const replace = this._replaceAsker(entries.length > 1, to);
    const jobs: ITransfer[] = [];
    for (const entry of entries) {
      const request = {
        kind: 'download' as const,
        path: entry.path,
        to,
        recursive: entry.type === 'directory',
        overwrite: false
      };
      let job = await this._tryStart(request, entry.path);
      if (job === 'conflict' && (await replace(entry.name))) {
        job = await this._tryStart({ ...request, overwrite: true }, entry.path);
      }
      if (job && job !== 'conflict') {
        jobs.push(job);
      }
    }
    if (jobs.length) {
      this._ctx.panel.showTransfers();
    }
    return jobs;
  }

  /**
   * Download a file to the cache folder of the workspace, then open it.
   */
  async open(entry: IEntry): Promise<void> {
    const { trans, panel, docManager, settings } = this._ctx;
    if (entry.type === 'directory') {
      await panel.model.cd(entry.path);
      return;
    }
    if (!docManager) {
      return;
    }
    const cache = settings.cacheFolder.replace(/^\/+|\/+$/g, '');
    const folder = PathExt.join(cache, parentDir(entry.path));
    await this._ensureDirectory(folder);
    const notice = new ProgressNotice(trans.__('Opening %1…', entry.name));
    try {
      const job = await panel.transfers.startTransfer({
        kind: 'download',
        path: entry.path,
        to: folder,
        recursive: false,
        overwrite: true
      });
      const end = await panel.transfers.whenFinished(job.id);
      if (end.state !== 'done') {
        throw new Error(
          end.error ?? trans.__('The download was %1.', end.state)
        );
      }
      void notice.dismiss();
      this._refreshFileBrowsers();
      docManager.openOrReveal(end.local || PathExt.join(folder, entry.name));
    } catch (error) {
      void notice.update({
        message: trans.__(
          'Could not open %1: %2',
          entry.name,
          asError(error).message
        ),
        type: 'error',
        autoClose: false
      });
    }
  }

  /**
   * Stream files from the computer into the upload folder (`target` is
   * relative to it), after a check for names that already exist there.
   */
  async uploadFiles(files: IBrowserUpload[], target: string): Promise<void> {
    const { trans, panel } = this._ctx;
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
    panel.showTransfers();
    const result = await panel.transfers.uploadFiles(
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
    const { trans, panel } = this._ctx;
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
        await this._startWithNotice({
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
      panel.showTransfers();
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
    const target = this._ctx.panel.model.uploadTarget;
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []).map(file => ({
        file,
        path: (directory && file.webkitRelativePath) || file.name
      }));
      void this.uploadFiles(files, target);
    });
    input.click();
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
    const area = (this._ctx.panel.model.uploadFolder ?? '').split('/')[0];
    return (CERTIFICATE_KEYS as string[]).includes(area)
      ? (area as CertificateKey)
      : 'lst';
  }

  /**
   * Start a download; a conflict is returned, other failures are reported.
   */
  private async _tryStart(
    request: TransferRequest & { kind: 'download' },
    path: string
  ): Promise<ITransfer | 'conflict' | null> {
    try {
      return await this._startWithNotice(request);
    } catch (error) {
      const err = asError(error);
      if (err.reason === 'conflict' && !request.overwrite) {
        return 'conflict';
      }
      Notification.error(
        this._ctx.trans.__('Could not download %1: %2', path, err.message),
        { autoClose: false }
      );
      return null;
    }
  }

  /**
   * Whether to replace a conflicting download: without asking when the
   * settings say so, else asked, once for all when the user says so.
   */
  private _replaceAsker(
    several: boolean,
    to: string
  ): (name: string) => Promise<boolean> {
    let forAll: boolean | null = null;
    return async name => {
      if (forAll !== null) {
        return forAll;
      }
      if (!this._ctx.settings.confirmOverwrite) {
        return true;
      }
      const conflict = {
        folder: to || '/',
        paths: [PathExt.join(to, name)],
        total: 1
      };
      const answer = await askConflict(conflict, this._ctx.trans, several);
      const replace = answer.choice === 'overwrite';
      if (answer.forAll) {
        forAll = replace;
      }
      return replace;
    };
  }

  private async _startWithNotice(request: TransferRequest): Promise<ITransfer> {
    const { trans, panel } = this._ctx;
    const job = await panel.transfers.startTransfer(request);
    const message =
      request.kind === 'download'
        ? trans.__(
            'Downloading %1 to %2',
            baseName(request.path),
            request.to ? request.to + '/' : '/'
          )
        : trans.__(
            'Uploading %1 to %2',
            PathExt.basename(request.from),
            parentDir(job.path)
          );
    this._notifier.track(job, message);
    return job;
  }

  /**
   * A download ended in `conflict` (nothing written): ask, then download
   * again overwriting or skipping the differing files, or do nothing.
   */
  private async _resolveConflict(job: ITransfer): Promise<void> {
    const choice = this._ctx.settings.confirmOverwrite
      ? (await askConflict(jobConflict(job), this._ctx.trans)).choice
      : 'overwrite';
    if (choice === null || job.local === null) {
      return;
    }
    const to = PathExt.dirname(job.local);
    const request = {
      kind: 'download' as const,
      path: job.path,
      to: to === '.' ? '' : to,
      recursive: job.recursive,
      overwrite: false,
      on_conflict: choice
    };
    await this._tryStart(request, job.path);
  }

  /**
   * Show what a finished transfer changed.
   */
  private _onFinished(job: ITransfer): void {
    if (job.kind === 'download' && job.state === 'conflict') {
      void this._resolveConflict(job);
      return;
    }
    if (job.state !== 'done' || job.kind === 'browser-upload') {
      // A batch from this computer refreshes when it ends (uploadFiles).
      return;
    }
    if (job.kind === 'download') {
      this._refreshFileBrowsers();
    } else {
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
    const { trans, settings, panel } = this._ctx;
    if (!settings.confirmOverwrite || !names.length) {
      return true;
    }
    const model = panel.model;
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
    const { trans, panel } = this._ctx;
    const folder = panel.model.uploadFolder;
    if (!folder) {
      Notification.error(
        panel.model.config
          ? trans.__(
              'No upload folder is available for your account: uploads are not possible.'
            )
          : trans.__('CTA Storage is not ready: see the panel for what to do.'),
        { autoClose: false }
      );
    }
    return folder;
  }

  private _ensureDirectory(path: string): Promise<void> {
    return ensureDirectory(this._contents, path);
  }

  private _refreshFileBrowsers(): void {
    refreshFileBrowsers(this._ctx.defaultBrowser, this._ctx.browserFactory);
  }

  private _refreshIfShowing(remoteDir: string): void {
    const model = this._ctx.panel.model;
    if (normalizeDir(remoteDir) === model.path) {
      void model.refresh();
    }
  }

  private _notifier: TransferNotifier;
}
