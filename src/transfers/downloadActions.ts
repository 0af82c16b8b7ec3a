/**
 * Downloads from the storage into the workspace: where they go, what to do
 * with files that are already there, and opening a file in JupyterLab.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';

import { IDownloadRequest, IEntry, ITransfer } from '../apiTypes';
import { ConflictBatches, ConflictChoice } from './conflictBatches';
import { askConflict, jobConflict } from './conflictDialog';
import { asError } from '../errors';
import { ProgressNotice, TransferNotifier } from './notices';
import { busyMessage } from './transferMessages';
import { parentDir } from '../paths';
import { IActionContext } from '../tokens';
import {
  ensureDirectory,
  refreshFileBrowsers,
  workspaceFolder
} from '../workspace';

/**
 * Files bigger than this are not opened in JupyterLab (they would be loaded
 * whole into the browser); download them instead.
 */
export const MAX_OPEN_BYTES = 100 * 1000 * 1000;

export class DownloadActions {
  /**
   * `onStarted`: downloads the user asked for have started.
   */
  constructor(
    private _ctx: IActionContext,
    private _notifier: TransferNotifier,
    private _onStarted: () => void
  ) {}

  /**
   * The workspace folder downloads go to: the setting, else the folder the
   * file browser shows.
   */
  defaultDownloadFolder(): string {
    const setting = this._ctx.settings.downloadFolder.trim();
    if (setting) {
      return workspaceFolder(setting);
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
   * Download remote entries into a workspace folder. Files there that differ
   * from the storage's are not replaced: such a download ends in the state
   * `conflict`, and the user is asked then (`finished`).
   */
  async download(entries: IEntry[], to: string): Promise<ITransfer[]> {
    if (!entries.length) {
      return [];
    }
    await ensureDirectory(this._contents, to);
    const batch = this._batches.begin(entries.length);
    const jobs: ITransfer[] = [];
    try {
      for (const entry of entries) {
        const job = await this._tryStart({
          kind: 'download',
          path: entry.path,
          to,
          recursive: entry.type === 'directory',
          overwrite: false,
          on_conflict: 'ask'
        });
        if (job) {
          batch.add(job.id);
          jobs.push(job);
        }
      }
    } finally {
      batch.end();
    }
    if (jobs.length) {
      this._onStarted();
    }
    return jobs;
  }

  /**
   * Download a file to the cache folder of the workspace, then open it.
   */
  async open(entry: IEntry): Promise<void> {
    const { trans, model, transfers, docManager, settings } = this._ctx;
    if (entry.type === 'directory') {
      await model.cd(entry.path);
      return;
    }
    if (!docManager) {
      return;
    }
    const folder = PathExt.join(
      workspaceFolder(settings.cacheFolder),
      parentDir(entry.path)
    );
    await ensureDirectory(this._contents, folder);
    const notice = new ProgressNotice(trans.__('Opening %1…', entry.name));
    try {
      const job = await transfers.startTransfer({
        kind: 'download',
        path: entry.path,
        to: folder,
        recursive: false,
        overwrite: true
      });
      const end = await transfers.whenFinished(job.id);
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
   * A download ended: held by conflicts, ask what to do; done, show it in
   * the file browsers.
   */
  finished(job: ITransfer): void {
    if (job.state === 'conflict') {
      void this._resolveConflict(job);
      return;
    }
    this._batches.forget(job.id);
    this._answered.delete(job.id);
    if (job.state === 'done') {
      this._refreshFileBrowsers();
    }
  }

  /**
   * Start a download; null when it could not start (said in a notification).
   */
  private async _tryStart(
    request: IDownloadRequest
  ): Promise<ITransfer | null> {
    try {
      return await this._notifier.start(request);
    } catch (error) {
      const err = asError(error);
      // Overlapping a download that runs: replacing cannot help, waiting can.
      Notification.error(
        err.reason === 'busy'
          ? busyMessage(request, this._ctx.trans)
          : this._ctx.trans.__(
              'Could not download %1: %2',
              request.path,
              err.message
            ),
        { autoClose: false }
      );
      return null;
    }
  }

  /**
   * A download ended in `conflict` (nothing written): ask (once for its
   * batch when the user ticks "for all"), then download again overwriting
   * or skipping the differing files, or do nothing. Without asking when the
   * settings say so.
   */
  private async _resolveConflict(job: ITransfer): Promise<void> {
    if (this._answered.delete(job.id)) {
      // Already answered: a conflict again is only reported (its toast).
      return;
    }
    const { settings, trans } = this._ctx;
    let choice: ConflictChoice = 'overwrite';
    if (settings.confirmOverwrite) {
      choice = await this._batches.decide(job.id, offerForAll =>
        askConflict(jobConflict(job), trans, offerForAll)
      );
    } else {
      this._batches.forget(job.id);
    }
    if (choice === null || choice === 'ask' || job.local === null) {
      return;
    }
    const to = PathExt.dirname(job.local);
    // "skip" too makes a job: the transfers list and its toast say what was kept.
    const again = await this._tryStart({
      kind: 'download',
      path: job.path,
      to: to === '.' ? '' : to,
      recursive: job.recursive,
      overwrite: false,
      on_conflict: choice
    });
    if (again) {
      this._answered.add(again.id);
    }
  }

  private _refreshFileBrowsers(): void {
    refreshFileBrowsers(this._ctx.defaultBrowser, this._ctx.browserFactory);
  }

  private readonly _contents = this._ctx.app.serviceManager.contents;
  private readonly _batches = new ConflictBatches();
  /** Jobs started with the user's answer to a conflict. */
  private readonly _answered = new Set<string>();
}
