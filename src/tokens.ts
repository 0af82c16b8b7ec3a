/**
 * The ids and interfaces the parts of the CTA Storage extension share:
 * command ids, the settings, and what the commands and actions work with.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';

import type { StorageModel } from './browser/model';
import type { TransferModel } from './transfers/transferModel';

/**
 * The id of the plugin, which is also that of its settings (schema/plugin.json).
 */
export const PLUGIN_ID = 'ctadata-lab:plugin';

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
  /**
   * Upload a directory of this computer (the id string predates the name and
   * stays, as users may have bound keys to it).
   */
  export const uploadDirectory = 'ctadata:upload-folder';
  export const uploadFromFileBrowser = 'ctadata:upload-from-file-browser';
  export const uploadCertificate = 'ctadata:upload-certificate';
  export const showTransfers = 'ctadata:show-transfers';
  export const cancelAllTransfers = 'ctadata:cancel-all-transfers';
  export const clearTransfers = 'ctadata:clear-finished-transfers';
  export const preview = 'ctadata:preview';
  export const openInNotebook = 'ctadata:open-in-notebook';
}

/**
 * The user settings. Their defaults live in schema/plugin.json only: the
 * values are read from the settings registry, which applies them.
 */
export interface IStorageSettings {
  readonly downloadFolder: string;
  readonly cacheFolder: string;
  readonly concurrency: number;
  readonly confirmOverwrite: boolean;
}

/**
 * What the commands ask of the CTA Storage panel (the widget implements it).
 */
export interface IStoragePanel {
  /**
   * The panel's id in the shell, to activate it.
   */
  readonly id: string;
  /**
   * Expand the transfers section, with room to show its list.
   */
  showTransfers(): void;
  /**
   * Put the focus in the filter box, its text selected.
   */
  focusFilter(): void;
}

/**
 * What the actions work with: the models, not the panel (which is built
 * after them, with the actions).
 */
export interface IActionContext {
  app: JupyterFrontEnd;
  /**
   * The storage listing and the upload folder.
   */
  model: StorageModel;
  /**
   * The transfers of the server extension and of this tab.
   */
  transfers: TransferModel;
  trans: TranslationBundle;
  settings: IStorageSettings;
  docManager: IDocumentManager | null;
  docRegistry: DocumentRegistry;
  defaultBrowser: IDefaultFileBrowser | null;
  browserFactory: IFileBrowserFactory | null;
}

/**
 * What the commands work with: the actions' context and the panel.
 */
export interface ICommandContext extends IActionContext {
  panel: IStoragePanel;
  translator: ITranslator;
  palette: ICommandPalette | null;
  /**
   * Load the configuration and the listing again.
   */
  onRetry: () => Promise<void>;
}
