/**
 * The preview's commands: "Preview" (a tab showing a remote HDF5 or FITS file)
 * and "Open in New Notebook", for the entry given as `path` or the selected one.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { CtadataClient } from '../api';
import { IEntry } from '../apiTypes';
import { ITEM_CLASS } from '../browser/listingRow';
import { CommandIDs } from '../tokens';
import { FitsPreview } from './fitsPreview';
import { previewKind } from './formats';
import { createNotebook } from './notebook';

export interface IPreviewContext {
  app: JupyterFrontEnd;
  client: CtadataClient;
  trans: TranslationBundle;
  selected: () => readonly IEntry[];
  defaultBrowser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
}

/**
 * The remote path a command works on: its `path` argument, else the selection.
 */
function target(ctx: IPreviewContext, args: { path?: unknown }): string | null {
  if (typeof args.path === 'string') {
    return args.path;
  }
  const selected = ctx.selected();
  return selected.length === 1 && selected[0].type === 'file'
    ? selected[0].path
    : null;
}

function previewable(ctx: IPreviewContext, args: { path?: unknown }): boolean {
  const path = target(ctx, args);
  return path !== null && previewKind(path) !== null;
}

/**
 * The HDF5 viewer (h5web, with three.js) is loaded on first use only.
 */
async function h5Preview(ctx: IPreviewContext, path: string): Promise<Widget> {
  const { H5Preview } = await import('./h5Preview');
  return new H5Preview(path, ctx.client.serverSettings);
}

async function openPreview(ctx: IPreviewContext, path: string): Promise<void> {
  const id = `ctadata-preview:${path}`;
  const open = Array.from(ctx.app.shell.widgets('main')).find(w => w.id === id);
  if (open) {
    ctx.app.shell.activateById(id);
    return;
  }
  const content =
    previewKind(path) === 'fits'
      ? new FitsPreview(path, ctx.client)
      : await h5Preview(ctx, path);
  const widget = new MainAreaWidget({ content });
  widget.id = id;
  widget.title.label = content.title.label;
  widget.title.caption = content.title.caption;
  ctx.app.shell.add(widget, 'main');
}

const PATH_ARG = {
  args: {
    type: 'object' as const,
    properties: {
      path: {
        type: 'string' as const,
        description: 'The remote file (default: the selected entry)'
      }
    }
  }
};

export function addPreviewCommands(ctx: IPreviewContext): void {
  const { app, trans } = ctx;
  app.commands.addCommand(CommandIDs.preview, {
    describedBy: PATH_ARG,
    label: trans.__('Preview'),
    caption: trans.__(
      'Look inside the HDF5 or FITS file where it is stored, without downloading it'
    ),
    isEnabled: args => previewable(ctx, args),
    execute: async args => {
      const path = target(ctx, args);
      if (path) {
        await openPreview(ctx, path);
      }
    }
  });
  app.commands.addCommand(CommandIDs.openInNotebook, {
    describedBy: PATH_ARG,
    label: trans.__('Open in New Notebook'),
    caption: trans.__(
      'A new notebook, in the folder the file browser shows, that opens this file in place'
    ),
    isEnabled: args => previewable(ctx, args),
    execute: async args => {
      const path = target(ctx, args);
      const kind = path ? previewKind(path) : null;
      if (!path || !kind) {
        return;
      }
      const folder = ctx.defaultBrowser?.model.path ?? '';
      try {
        const notebook = await createNotebook(
          app.serviceManager.contents,
          folder,
          path,
          kind
        );
        await app.commands.execute('docmanager:open', { path: notebook });
      } catch (error) {
        Notification.error(
          trans.__('The notebook could not be created: %1', String(error))
        );
      }
    }
  });
  const selector = `.${ITEM_CLASS}`;
  for (const [rank, command] of [
    [0.5, CommandIDs.preview],
    [0.6, CommandIDs.openInNotebook]
  ] as const) {
    app.contextMenu.addItem({ command, selector, rank });
    ctx.palette?.addItem({ command, category: trans.__('CTA Storage') });
  }
}

/**
 * Whether a double-click on `entry` opens the preview.
 */
export function opensPreview(entry: IEntry): boolean {
  return entry.type === 'file' && previewKind(entry.name) !== null;
}
