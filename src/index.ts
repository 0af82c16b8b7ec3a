/**
 * The CTA Storage extension: wiring only. The parts live in their own modules.
 */
/* eslint-disable jupyter/prefer-lazy-imports -- the sidebar panel, its models
   and its commands are all created when the plugin activates. */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { CommandToolbarButton } from '@jupyterlab/ui-components';

import { StorageActions } from './actions';
import { CtadataClient } from './api';
import { addCommands } from './commands';
import { openOnDragHover } from './browser/dropzone';
import { StorageModel } from './browser/model';
import { StoragePanel } from './browser/panel';
import { addPreviewCommands, opensPreview } from './preview/commands';
import { StorageSettings } from './settings';
import { TransferStatus } from './transfers/statusbar';
import { CommandIDs, PLUGIN_ID } from './tokens';
import { TransferModel } from './transfers/transferModel';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'CTA Storage: browse, download and upload data of the CTA storage at CSCS.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IDocumentManager,
    IDefaultFileBrowser,
    IFileBrowserFactory,
    IStatusBar
  ],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    docManager: IDocumentManager | null,
    defaultBrowser: IDefaultFileBrowser | null,
    browserFactory: IFileBrowserFactory | null,
    statusBar: IStatusBar | null
  ): Promise<void> => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ctadata_lab');
    const settings = await StorageSettings.load(settingRegistry);

    const client = new CtadataClient({
      serverSettings: app.serviceManager.serverSettings
    });
    const model = new StorageModel({ client });
    const transfers = new TransferModel({
      client,
      concurrency: settings.concurrency
    });
    settings.changed.connect(() => {
      transfers.concurrency = settings.concurrency;
    });

    const actions = new StorageActions({
      app,
      model,
      transfers,
      trans,
      settings,
      docManager,
      docRegistry: app.docRegistry,
      defaultBrowser,
      browserFactory
    });

    let listed = false;

    /**
     * Load the configuration; list the storage when the panel is `visible`.
     */
    const start = async (visible: boolean): Promise<void> => {
      const config = await model.loadConfig();
      if (!config) {
        return;
      }
      transfers.start();
      if (config.token_present && config.downloadservice && visible) {
        listed = true;
        await model.refresh();
      }
    };

    const panel = new StoragePanel({
      model,
      transfers,
      trans,
      translator,
      docRegistry: app.docRegistry,
      transfersStarted: actions.transfersStarted,
      onOpenFile: entry => {
        if (opensPreview(entry)) {
          void app.commands.execute(CommandIDs.preview, {
            path: entry.path
          });
        } else if (actions.downloads.canOpen(entry)) {
          void actions.downloads.open(entry);
        } else {
          Notification.info(
            trans.__(
              'JupyterLab cannot open %1 here: use “Download to Workspace” instead.',
              entry.name
            ),
            { autoClose: 5000 }
          );
        }
      },
      onUploadFiles: (files, target) =>
        void actions.uploads.uploadFiles(files, target),
      onUploadWorkspacePaths: (paths, target) =>
        void actions.uploads.uploadWorkspacePaths(paths, target),
      // The retry button is in the panel, which is therefore visible.
      onRetry: () => start(true),
      onShow: () => {
        const config = model.config;
        if (!listed && config?.token_present && config.downloadservice) {
          listed = true;
          void model.refresh();
        }
      }
    });

    addCommands(
      {
        app,
        model,
        transfers,
        panel,
        trans,
        translator,
        settings,
        docManager,
        docRegistry: app.docRegistry,
        defaultBrowser,
        browserFactory,
        palette,
        onRetry: () => start(panel.isVisible)
      },
      actions
    );
    addPreviewCommands({
      app,
      client,
      trans,
      selected: () => model.selectedItems,
      defaultBrowser,
      palette
    });

    for (const [name, id] of [
      ['download', CommandIDs.download],
      ['open', CommandIDs.open],
      ['upload', CommandIDs.upload],
      ['upload-folder', CommandIDs.uploadDirectory],
      ['home', CommandIDs.goToUploadFolder],
      ['refresh', CommandIDs.refresh]
    ]) {
      panel.toolbar.addItem(
        name,
        new CommandToolbarButton({
          commands: app.commands,
          id,
          args: { toolbar: true }
        })
      );
    }

    app.shell.add(panel, 'left', { rank: 150, type: 'CTA Storage' });
    if (restorer) {
      restorer.add(panel, 'ctadata-storage');
    }
    openOnDragHover(panel, () => app.shell.activateById(panel.id));

    if (statusBar) {
      const item = new TransferStatus({
        model: transfers,
        trans,
        onClick: () => void app.commands.execute(CommandIDs.showTransfers)
      });
      statusBar.registerStatusItem('ctadata-lab:transfers', {
        item,
        align: 'left',
        rank: 50,
        isActive: () => transfers.hasActive,
        activeStateChanged: transfers.changed
      });
    }

    void app.restored.then(() => {
      // After the layout restorer, which may have squeezed the transfers list.
      panel.keepTransfersVisible();
      void start(panel.isVisible);
    });
  }
};

export default plugin;
