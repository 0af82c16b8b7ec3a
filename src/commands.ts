/**
 * The commands of the CTA Storage panel: their registration, palette
 * entries, context menus and key bindings. What they do is in actions.ts,
 * transfers/downloadActions.ts and transfers/uploadActions.ts.
 */
import { FileDialog } from '@jupyterlab/filebrowser';
import { InputDialog } from '@jupyterlab/apputils';
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

import { StorageActions } from './actions';
import { uploadCertificateDialog } from './certificateDialog';
import { certificateIcon, ctaStorageIcon, transferIcon } from './icons';
import { CommandIDs, ICommandContext } from './tokens';

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
  const { app, panel, model, transfers, trans, palette } = ctx;
  const { commands } = app;
  const { downloads, uploads } = actions;
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
      panel.focusFilter();
    }
  });

  commands.addCommand(CommandIDs.open, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Open'), launchIcon),
    caption: trans.__(
      'Open the selected file in JupyterLab (it is downloaded to the cache folder first), or the selected folder'
    ),
    isEnabled: () =>
      selected().length === 1 && downloads.canOpen(selected()[0]),
    execute: () => {
      const entry = selected()[0];
      return entry ? downloads.open(entry) : undefined;
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
      await downloads.download(selected(), downloads.defaultDownloadFolder());
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
        defaultPath: downloads.defaultDownloadFolder()
      });
      if (!answer.button.accept || !answer.value?.length) {
        return;
      }
      const folder = ctx.app.serviceManager.contents.localPath(
        answer.value[0].path
      );
      await downloads.download(entries, folder);
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
    execute: () => uploads.pickAndUpload(false)
  });

  commands.addCommand(CommandIDs.uploadDirectory, {
    describedBy: ARGS,
    ...toolbarButton(trans.__('Upload Folder to CTA Storage…'), folderIcon),
    caption: trans.__(
      'Upload a folder from this computer to your storage folder'
    ),
    isEnabled: () => ready() && !!model.uploadFolder,
    execute: () => uploads.pickAndUpload(true)
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
      await uploads.uploadWorkspacePaths(paths, model.uploadTarget);
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
    isEnabled: () => transfers.hasActive,
    execute: () => transfers.cancelAll()
  });

  commands.addCommand(CommandIDs.clearTransfers, {
    describedBy: ARGS,
    label: trans.__('Clear Finished CTA Storage Transfers'),
    execute: () => transfers.dismissFinished()
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
  transfers.changed.connect(notify);

  // The palette: every command.
  for (const command of Object.values(CommandIDs)) {
    palette?.addItem({ command, category });
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
    CommandIDs.uploadDirectory,
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
