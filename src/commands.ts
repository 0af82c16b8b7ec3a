/**
 * The commands of the CTA Storage panel: ids, and what each one does.
 * Toolbar buttons, context menus, the palette and key bindings all use these.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  FileDialog,
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { Contents } from '@jupyterlab/services';
import { ReadonlyJSONValue } from '@lumino/coreutils';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  copyIcon,
  downloadIcon,
  fileUploadIcon,
  filterIcon,
  folderIcon,
  homeIcon,
  LabIcon,
  launchIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';

import {
  CertificateKey,
  IEntry,
  ITransfer,
  isFinished,
  OnConflict
} from './api';
import { CERTIFICATE_KEYS, uploadCertificateDialog } from './certificateDialog';
import { askConflict, jobConflict } from './conflictDialog';
import { certificateIcon, ctaStorageIcon, transferIcon } from './icons';
import { asError, baseName, normalizeDir, parentDir } from './model';
import { StoragePanel } from './panel';
import { IBrowserUpload } from './transferModel';

export namespace CommandIDs {
  export const showPanel = 'ctadata:show-panel';
  export const refresh = 'ctadata:refresh';
  export const goUp = 'ctadata:go-up';
  export const goToRoot = 'ctadata:go-to-root';
  export const goToUploadFolder = 'ctadata:go-to-upload-folder';
  export const goTo = 'ctadata:go-to';
  export const filter = 'ctadata:filter';
  export const open = 'ctadata:open';
  export const download = 'ctadata:download';
  export const downloadTo = 'ctadata:download-to';
  export const copyPath = 'ctadata:copy-path';
  export const copySnippet = 'ctadata:copy-snippet';
  export const upload = 'ctadata:upload';
  export const uploadFolder = 'ctadata:upload-folder';
  export const uploadFromFileBrowser = 'ctadata:upload-from-file-browser';
  export const uploadCertificate = 'ctadata:upload-certificate';
  export const showTransfers = 'ctadata:show-transfers';
  export const cancelAllTransfers = 'ctadata:cancel-all-transfers';
  export const clearTransfers = 'ctadata:clear-finished-transfers';
}

/**
 * The user settings (schema/plugin.json), kept current by the plugin.
 */
export interface IStorageSettings {
  downloadFolder: string;
  cacheFolder: string;
  concurrency: number;
  confirmOverwrite: boolean;
}

export const DEFAULT_SETTINGS: IStorageSettings = {
  downloadFolder: '',
  cacheFolder: 'ctadata-cache',
  concurrency: 3,
  confirmOverwrite: true
};

/**
 * Files bigger than this are not opened in JupyterLab (they would be loaded
 * whole into the browser); download them instead.
 */
export const MAX_OPEN_BYTES = 100 * 1000 * 1000;

export interface ICommandContext {
  app: JupyterFrontEnd;
  panel: StoragePanel;
  trans: TranslationBundle;
  translator: ITranslator;
  settings: IStorageSettings;
  docManager: IDocumentManager | null;
  docRegistry: DocumentRegistry;
  defaultBrowser: IDefaultFileBrowser | null;
  browserFactory: IFileBrowserFactory | null;
  palette: ICommandPalette | null;
  /**
   * Load the configuration and the listing again.
   */
  onRetry: () => Promise<void>;
}

/**
 * The actions behind the commands, usable by the panel too.
 */
export class StorageActions {
  constructor(private _ctx: ICommandContext) {
    const transfers = _ctx.panel.transfers;
    transfers.finished.connect((_, job) => this._onFinished(job));
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
    const { trans, settings, panel } = this._ctx;
    if (!entries.length) {
      return [];
    }
    await this._ensureDirectory(to);
    const jobs: ITransfer[] = [];
    let forAll: OnConflict | null = null;
    for (const entry of entries) {
      const request = {
        kind: 'download' as const,
        path: entry.path,
        to,
        recursive: entry.type === 'directory',
        overwrite: false
      };
      try {
        jobs.push(await this._startWithNotice(request));
      } catch (error) {
        const err = asError(error);
        if (err.reason !== 'conflict') {
          Notification.error(
            trans.__('Could not download %1: %2', entry.path, err.message),
            { autoClose: false }
          );
          continue;
        }
        let choice: OnConflict | null = forAll;
        if (choice === null) {
          const answer = settings.confirmOverwrite
            ? await askConflict(
                {
                  folder: to || '/',
                  paths: [PathExt.join(to, entry.name)],
                  total: 1
                },
                trans,
                entries.length > 1
              )
            : { choice: 'overwrite' as const, forAll: true };
          choice = answer.choice;
          if (answer.forAll) {
            forAll = choice ?? 'skip';
          }
        }
        if (choice === 'overwrite') {
          try {
            jobs.push(
              await this._startWithNotice({ ...request, overwrite: true })
            );
          } catch (again) {
            Notification.error(
              trans.__(
                'Could not download %1: %2',
                entry.path,
                asError(again).message
              ),
              { autoClose: false }
            );
          }
        }
      }
    }
    if (jobs.length) {
      panel.showTransfers();
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
    const cache =
      settings.cacheFolder.replace(/^\/+|\/+$/g, '') || 'ctadata-cache';
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
    const folder = panel.model.uploadFolder;
    if (!folder) {
      Notification.error(this._noUploadFolderMessage(), { autoClose: false });
      return;
    }
    if (!files.length) {
      return;
    }
    const dir = normalizeDir(target);
    const tops = [...new Set(files.map(f => f.path.split('/')[0]))];
    if (!(await this._confirmReplace(tops, folder + dir))) {
      return;
    }
    const where = folder + dir;
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
      files.map(f => ({ file: f.file, path: dir + f.path }))
    );
    this._refreshIfShowing(where);
    if (result.failed.length) {
      const first = result.failed[0];
      void notice.update({
        type: 'error',
        autoClose: false,
        message: trans._n(
          '%1 upload failed (%2: %3)',
          '%1 uploads failed (first: %2: %3)',
          result.failed.length,
          baseName(first.path),
          first.error ?? ''
        )
      });
    } else if (result.cancelled.length && !result.done.length) {
      void notice.update({
        type: 'info',
        autoClose: 5000,
        message: trans.__('Upload to %1 cancelled', where)
      });
    } else {
      void notice.update({
        type: 'success',
        autoClose: 5000,
        message: trans._n(
          'Uploaded %1 file to %2',
          'Uploaded %1 files to %2',
          result.done.length,
          where
        )
      });
    }
  }

  /**
   * Upload workspace files or folders (paths of the file browser) into the
   * upload folder; the server extension does the transfer.
   */
  async uploadWorkspacePaths(paths: string[], target: string): Promise<void> {
    const { trans, panel } = this._ctx;
    const folder = panel.model.uploadFolder;
    if (!folder) {
      Notification.error(this._noUploadFolderMessage(), { autoClose: false });
      return;
    }
    const dir = normalizeDir(target);
    const locals = paths.map(path => this._contents.localPath(path));
    if (
      !(await this._confirmReplace(
        locals.map(p => PathExt.basename(p)),
        folder + dir
      ))
    ) {
      return;
    }
    let started = 0;
    for (const local of locals) {
      try {
        const model = await this._contents.get(local, { content: false });
        const isDir = model.type === 'directory';
        await this._startWithNotice({
          kind: 'upload',
          from: local,
          path: dir + PathExt.basename(local),
          recursive: isDir
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
   * Ask for files (or a folder) with the browser's file picker, then upload.
   */
  pickAndUpload(folder: boolean): void {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    if (folder) {
      input.webkitdirectory = true;
    }
    const target = this._ctx.panel.model.uploadTarget;
    input.addEventListener('change', () => {
      const files = Array.from(input.files ?? []).map(file => ({
        file,
        path: (folder && file.webkitRelativePath) || file.name
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

  private async _startWithNotice(
    request: Parameters<StoragePanel['transfers']['startTransfer']>[0]
  ): Promise<ITransfer> {
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
    if (!isFinished(job)) {
      this._notices.set(job.id, new ProgressNotice(message));
    }
    return job;
  }

  private _onFinished(job: ITransfer): void {
    const { trans } = this._ctx;
    if (job.kind === 'download' && job.state === 'conflict') {
      void this._resolveConflict(job);
      return;
    }
    if (job.kind === 'browser-upload' && job.id.startsWith('browser-')) {
      // Reported per batch by uploadFiles.
      return;
    }
    if (job.kind === 'download' && job.state === 'done') {
      this._refreshFileBrowsers();
    }
    if (job.kind !== 'download' && job.state === 'done') {
      this._refreshIfShowing(parentDir(job.path));
    }
    const name = baseName(job.path) || job.path;
    let message: string;
    let type: Notification.TypeOptions;
    if (job.state === 'done') {
      type = 'success';
      message =
        job.kind === 'download'
          ? trans.__(
              'Downloaded %1 to %2',
              name,
              PathExt.dirname(job.local ?? '') + '/'
            )
          : trans.__('Uploaded %1 to %2', name, parentDir(job.path));
    } else if (job.state === 'cancelled') {
      type = 'info';
      message = trans.__('Transfer of %1 cancelled', name);
    } else {
      type = 'error';
      message = trans.__('Transfer of %1 failed: %2', name, job.error ?? '');
    }
    const autoClose = type === 'error' ? false : 5000;
    const notice = this._notices.get(job.id);
    this._notices.delete(job.id);
    if (notice) {
      void notice.update({ message, type, autoClose }).then(updated => {
        if (!updated) {
          Notification.emit(message, type, { autoClose });
        }
      });
    } else {
      Notification.emit(message, type, { autoClose });
    }
  }

  /**
   * A download ended in `conflict`: ask, then download again overwriting or skipping.
   */
  private async _resolveConflict(job: ITransfer): Promise<void> {
    const { trans, settings } = this._ctx;
    void this._notices.get(job.id)?.dismiss();
    this._notices.delete(job.id);
    const choice = settings.confirmOverwrite
      ? (await askConflict(jobConflict(job), trans)).choice
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
    try {
      await this._startWithNotice(request);
    } catch (error) {
      Notification.error(
        trans.__('Could not download %1: %2', job.path, asError(error).message),
        { autoClose: false }
      );
    }
  }

  private async _confirmReplace(
    names: string[],
    remoteDir: string
  ): Promise<boolean> {
    const { trans, settings, panel } = this._ctx;
    if (!settings.confirmOverwrite || !names.length) {
      return true;
    }
    let existing: string[];
    try {
      const listing =
        normalizeDir(remoteDir) === panel.model.path &&
        panel.model.status === 'ready'
          ? panel.model.entries
          : (await panel.model.client.list(remoteDir)).entries;
      const have = new Set(listing.map(entry => entry.name));
      existing = names.filter(name => have.has(name));
    } catch {
      // The folder does not exist yet (or cannot be listed): nothing to replace.
      existing = [];
    }
    if (!existing.length) {
      return true;
    }
    const shown =
      existing.slice(0, 5).join(', ') + (existing.length > 5 ? ', …' : '');
    const answer = await showDialog({
      title: trans._n(
        'Replace %1 entry?',
        'Replace %1 entries?',
        existing.length
      ),
      body: trans.__(
        'Already in %1: %2. Replace with the uploaded copies?',
        remoteDir,
        shown
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Replace') })
      ]
    });
    return answer.button.accept;
  }

  private _noUploadFolderMessage(): string {
    const { trans, panel } = this._ctx;
    return panel.model.config
      ? trans.__(
          'No upload folder is available for your account: uploads are not possible.'
        )
      : trans.__('CTA Storage is not ready: see the panel for what to do.');
  }

  /**
   * Create a workspace folder and its parents if they do not exist.
   */
  private async _ensureDirectory(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current = current ? `${current}/${part}` : part;
      try {
        await this._contents.get(current, { content: false });
      } catch {
        try {
          await this._contents.save(current, { type: 'directory' });
        } catch {
          // The server extension will say what is wrong with the folder.
          return;
        }
      }
    }
  }

  private _refreshFileBrowsers(): void {
    const seen = new Set<unknown>();
    const refresh = (
      browser: { model: { refresh(): Promise<void> } } | null | undefined
    ) => {
      if (browser && !seen.has(browser)) {
        seen.add(browser);
        void browser.model.refresh().catch(() => undefined);
      }
    };
    refresh(this._ctx.defaultBrowser);
    this._ctx.browserFactory?.tracker.forEach(refresh);
  }

  private _refreshIfShowing(remoteDir: string): void {
    const model = this._ctx.panel.model;
    if (normalizeDir(remoteDir) === model.path) {
      void model.refresh();
    }
  }

  private _notices = new Map<string, ProgressNotice>();
}

/**
 * An in-progress notification that is later turned into its result.
 *
 * JupyterLab loses the update of a toast that is not on screen yet, which
 * happens when a transfer ends within milliseconds: updates wait until the
 * toast has been shown for a moment.
 */
class ProgressNotice {
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

const NOTICE_SETTLE_MS = 600;

/**
 * The Python code that fetches these entries with the ctadata library.
 */
export function pythonSnippet(entries: IEntry[]): string {
  const lines = ['import ctadata', ''];
  for (const entry of entries) {
    const path = JSON.stringify(entry.path);
    lines.push(
      entry.type === 'directory'
        ? `ctadata.fetch_and_save_file_or_dir(${path}, recursive=True)`
        : `ctadata.fetch_and_save_file(${path})`
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * The arguments the commands take: `toolbar` asks for the icon-only form.
 */
const ARGS = {
  args: {
    type: 'object' as const,
    properties: {
      toolbar: {
        type: 'boolean' as const,
        description: 'Whether the command is shown as a toolbar button'
      }
    }
  }
};

/**
 * The label and icon of a command that is also a toolbar button: on the
 * toolbar (`toolbar` argument) the icon alone, elsewhere the label alone.
 */
function toolbarButton(
  label: string,
  icon: LabIcon
): Pick<CommandRegistry.ICommandOptions, 'label' | 'icon'> {
  return {
    label: args => (args.toolbar ? '' : label),
    icon: args => (args.toolbar ? icon : undefined)
  };
}

/**
 * Register every command, its palette entry, context menus and key bindings.
 */
export function addCommands(
  ctx: ICommandContext,
  actions: StorageActions
): void {
  const { app, panel, trans, palette } = ctx;
  const { commands } = app;
  const model = panel.model;
  const selected = () => model.selectedItems;
  const ready = () =>
    !!model.config?.token_present &&
    !!model.config.downloadservice &&
    model.configError === null;
  const category = trans.__('CTA Storage');

  commands.addCommand(CommandIDs.showPanel, {
    describedBy: ARGS,
    label: trans.__('Show CTA Storage'),
    caption: trans.__('Show the CTA Storage panel'),
    icon: ctaStorageIcon,
    execute: () => {
      app.shell.activateById(panel.id);
    }
  });

  commands.addCommand(CommandIDs.refresh, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Refresh CTA Storage'), refreshIcon),
    caption: trans.__('List the current storage folder again'),
    execute: async () => {
      await ctx.onRetry();
    }
  });

  commands.addCommand(CommandIDs.goUp, {
    describedBy: ARGS,
    label: trans.__('Go to Parent Storage Folder'),
    isEnabled: () => ready() && model.path !== '',
    execute: () => model.goUp()
  });

  commands.addCommand(CommandIDs.goToRoot, {
    describedBy: ARGS,
    label: trans.__('Go to Storage Root'),
    isEnabled: ready,
    execute: () => model.cd('')
  });

  commands.addCommand(CommandIDs.goToUploadFolder, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Go to My Upload Folder'), homeIcon),
    caption: trans.__('Show your users/<name>/ folder, where uploads land'),
    isEnabled: () => ready() && !!model.uploadFolder,
    execute: () => {
      app.shell.activateById(panel.id);
      return model.cd(model.uploadFolder ?? '');
    }
  });

  commands.addCommand(CommandIDs.goTo, {
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: 'The storage folder to show; asked for when not given'
          }
        }
      }
    },
    label: trans.__('Go to Storage Path…'),
    isEnabled: ready,
    execute: async args => {
      if (typeof args.path === 'string') {
        app.shell.activateById(panel.id);
        await model.cd(args.path);
        return;
      }
      const answer = await InputDialog.getText({
        title: trans.__('Go to storage path'),
        text: model.path,
        placeholder: trans.__('for example lst/DL1/'),
        okLabel: trans.__('Go')
      });
      if (answer.button.accept && answer.value !== null) {
        app.shell.activateById(panel.id);
        await model.cd(answer.value.trim());
      }
    }
  });

  commands.addCommand(CommandIDs.filter, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Filter CTA Storage Listing'), filterIcon),
    execute: () => {
      app.shell.activateById(panel.id);
      panel.browser.filterInput.focus();
      panel.browser.filterInput.select();
    }
  });

  commands.addCommand(CommandIDs.open, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Open'), launchIcon),
    caption: trans.__(
      'Open the selected file in JupyterLab (it is downloaded to the cache folder first), or the selected folder'
    ),
    isEnabled: () => selected().length === 1 && actions.canOpen(selected()[0]),
    execute: () => {
      const entry = selected()[0];
      return entry ? actions.open(entry) : undefined;
    }
  });

  commands.addCommand(CommandIDs.download, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Download to Workspace'), downloadIcon),
    caption: trans.__(
      'Download the selected files and folders into the folder the file browser shows'
    ),
    isEnabled: () => ready() && selected().length > 0,
    execute: async () => {
      await actions.download(selected(), actions.defaultDownloadFolder());
    }
  });

  commands.addCommand(CommandIDs.downloadTo, {
    describedBy: ARGS,
    label: trans.__('Download to Workspace Folder…'),
    caption: trans.__(
      'Choose the workspace folder to download the selection into'
    ),
    isEnabled: () => ready() && selected().length > 0 && !!ctx.docManager,
    execute: async () => {
      const entries = selected();
      if (!ctx.docManager) {
        return;
      }
      const answer = await FileDialog.getExistingDirectory({
        manager: ctx.docManager,
        translator: ctx.translator,
        title: trans._n(
          'Download %1 entry to…',
          'Download %1 entries to…',
          entries.length
        ),
        defaultPath: actions.defaultDownloadFolder()
      });
      if (!answer.button.accept || !answer.value?.length) {
        return;
      }
      const folder = ctx.app.serviceManager.contents.localPath(
        answer.value[0].path
      );
      await actions.download(entries, folder);
    }
  });

  commands.addCommand(CommandIDs.copyPath, {
    describedBy: ARGS,
    label: trans.__('Copy Storage Path'),
    icon: copyIcon,
    isEnabled: () => selected().length > 0,
    execute: () => actions.copyPaths(selected())
  });

  commands.addCommand(CommandIDs.copySnippet, {
    describedBy: ARGS,
    label: trans.__('Copy Python Snippet'),
    caption: trans.__('Copy the ctadata code that downloads the selection'),
    isEnabled: () => selected().length > 0,
    execute: () => actions.copySnippet(selected())
  });

  commands.addCommand(CommandIDs.upload, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Upload Files to CTA Storage…'), fileUploadIcon),
    caption: trans.__('Upload files from this computer to your storage folder'),
    isEnabled: () => ready() && !!model.uploadFolder,
    execute: () => actions.pickAndUpload(false)
  });

  commands.addCommand(CommandIDs.uploadFolder, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Upload Folder to CTA Storage…'), folderIcon),
    caption: trans.__(
      'Upload a folder from this computer to your storage folder'
    ),
    isEnabled: () => ready() && !!model.uploadFolder,
    execute: () => actions.pickAndUpload(true)
  });

  commands.addCommand(CommandIDs.uploadFromFileBrowser, {
    describedBy: ARGS,
    label: trans.__('Upload to CTA Storage'),
    caption: trans.__(
      'Upload the selected workspace files and folders to your storage folder'
    ),
    icon: ctaStorageIcon,
    isEnabled: () => {
      const browser =
        ctx.browserFactory?.tracker.currentWidget ?? ctx.defaultBrowser;
      return (
        ready() &&
        !!model.uploadFolder &&
        !!browser &&
        !browser.selectedItems().next().done
      );
    },
    execute: async () => {
      const browser =
        ctx.browserFactory?.tracker.currentWidget ?? ctx.defaultBrowser;
      if (!browser) {
        return;
      }
      const paths = Array.from(browser.selectedItems()).map(item => item.path);
      app.shell.activateById(panel.id);
      await actions.uploadWorkspacePaths(paths, model.uploadTarget);
    }
  });

  commands.addCommand(CommandIDs.uploadCertificate, {
    describedBy: ARGS,
    label: trans.__('Upload Grid Certificate…'),
    caption: trans.__('Store your grid proxy certificate for a storage area'),
    icon: certificateIcon,
    execute: () =>
      uploadCertificateDialog(
        model.client,
        trans,
        actions.defaultCertificateKey()
      )
  });

  commands.addCommand(CommandIDs.showTransfers, {
    describedBy: ARGS,
    label: trans.__('Show CTA Storage Transfers'),
    icon: transferIcon,
    execute: () => {
      app.shell.activateById(panel.id);
      panel.showTransfers();
    }
  });

  commands.addCommand(CommandIDs.cancelAllTransfers, {
    describedBy: ARGS,
    label: trans.__('Cancel All CTA Storage Transfers'),
    isEnabled: () => panel.transfers.hasActive,
    execute: () => panel.transfers.cancelAll()
  });

  commands.addCommand(CommandIDs.clearTransfers, {
    describedBy: ARGS,
    label: trans.__('Clear Finished CTA Storage Transfers'),
    execute: () => panel.transfers.dismissFinished()
  });

  // Enablement follows the selection, the configuration and the transfers.
  let pending = 0;
  const notify = () => {
    if (!pending) {
      pending = requestAnimationFrame(() => {
        pending = 0;
        commands.notifyCommandChanged();
      });
    }
  };
  model.selectionChanged.connect(notify);
  model.configChanged.connect(notify);
  model.changed.connect(notify);
  panel.transfers.changed.connect(notify);

  // The palette: every command.
  if (palette) {
    for (const command of [
      CommandIDs.showPanel,
      CommandIDs.refresh,
      CommandIDs.goUp,
      CommandIDs.goToRoot,
      CommandIDs.goToUploadFolder,
      CommandIDs.goTo,
      CommandIDs.filter,
      CommandIDs.open,
      CommandIDs.download,
      CommandIDs.downloadTo,
      CommandIDs.copyPath,
      CommandIDs.copySnippet,
      CommandIDs.upload,
      CommandIDs.uploadFolder,
      CommandIDs.uploadFromFileBrowser,
      CommandIDs.uploadCertificate,
      CommandIDs.showTransfers,
      CommandIDs.cancelAllTransfers,
      CommandIDs.clearTransfers
    ]) {
      palette.addItem({ command, category });
    }
  }

  // The context menu of the entries.
  const itemSelector = '.jp-CtadataListing-item';
  const contentSelector = '.jp-CtadataListing-content';
  let rank = 1;
  for (const command of [
    CommandIDs.open,
    CommandIDs.download,
    CommandIDs.downloadTo
  ]) {
    app.contextMenu.addItem({ command, selector: itemSelector, rank: rank++ });
  }
  app.contextMenu.addItem({
    type: 'separator',
    selector: itemSelector,
    rank: rank++
  });
  for (const command of [CommandIDs.copyPath, CommandIDs.copySnippet]) {
    app.contextMenu.addItem({ command, selector: itemSelector, rank: rank++ });
  }
  app.contextMenu.addItem({
    type: 'separator',
    selector: contentSelector,
    rank: 20
  });
  for (const command of [
    CommandIDs.refresh,
    CommandIDs.upload,
    CommandIDs.uploadFolder,
    CommandIDs.goToUploadFolder
  ]) {
    app.contextMenu.addItem({
      command,
      selector: contentSelector,
      rank: rank++ + 20
    });
  }
  // In JupyterLab's own file browser: send the selection to the storage.
  app.contextMenu.addItem({
    command: CommandIDs.uploadFromFileBrowser,
    selector: '.jp-DirListing-item[data-isdir]',
    rank: 12
  });

  // Keys, while the listing has the focus.
  commands.addKeyBinding({
    command: CommandIDs.copyPath,
    keys: ['Accel C'],
    selector: contentSelector
  });
  commands.addKeyBinding({
    command: CommandIDs.download,
    keys: ['Accel D'],
    selector: contentSelector
  });
  commands.addKeyBinding({
    command: CommandIDs.filter,
    keys: ['Accel F'],
    selector: '.jp-CtadataPanel'
  });
}
