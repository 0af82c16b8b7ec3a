/**
 * Dropping on the panel: files and folders from the computer (native drag
 * and drop, folders walked) and paths from JupyterLab's file browser (Lumino
 * drag and drop). Both upload to the upload folder.
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Drag } from '@lumino/dragdrop';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { IBrowserUpload } from '../transfers/browserUploads';

/**
 * The mime type of a drag from JupyterLab's file browser: the dragged paths.
 */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

/**
 * The events of a drag from the computer (native) or from JupyterLab (lm-).
 */
const DROP_EVENTS = [
  'dragenter',
  'dragover',
  'dragleave',
  'drop',
  'lm-dragenter',
  'lm-dragover',
  'lm-dragleave',
  'lm-drop'
];

/**
 * Makes a widget a drop target, with an overlay that says where drops go.
 */
export class DropZone implements EventListenerObject {
  constructor(options: DropZone.IOptions) {
    this._host = options.host;
    this._options = options;
    this._overlay = element('div', 'jp-CtadataDropOverlay');
    this._host.node.appendChild(this._overlay);
    for (const type of DROP_EVENTS) {
      this._host.node.addEventListener(type, this);
    }
  }

  /**
   * Stop taking drops.
   */
  detach(): void {
    for (const type of DROP_EVENTS) {
      this._host.node.removeEventListener(type, this);
    }
    this._overlay.remove();
  }

  handleEvent(event: Event): void {
    if (event instanceof Drag.Event) {
      this._evtLumino(event);
    } else if (event instanceof DragEvent) {
      this._evtNative(event);
    }
  }

  private _setDropState(on: boolean): void {
    this._host.toggleClass('jp-mod-dropTarget', on);
    this._overlay.textContent = on ? this._options.dropText() : '';
  }

  private _evtNative(event: DragEvent): void {
    if (event.type === 'dragleave') {
      const related = event.relatedTarget;
      if (!(related instanceof Node && this._host.node.contains(related))) {
        this._setDropState(false);
      }
      return;
    }
    const transfer = event.dataTransfer;
    if (!transfer || !Array.from(transfer.types).includes('Files')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.type !== 'drop') {
      transfer.dropEffect = 'copy';
      this._setDropState(true);
      return;
    }
    this._setDropState(false);
    // The entries must be taken during the event; reading them is async.
    void collectDropped(transfer).then(files => {
      if (files.length) {
        this._options.onFiles(files);
      }
    });
  }

  private _evtLumino(event: Drag.Event): void {
    if (event.type === 'lm-dragleave' || event.type === 'lm-drop') {
      this._setDropState(false);
    }
    if (
      event.type === 'lm-dragleave' ||
      !event.mimeData.hasData(CONTENTS_MIME)
    ) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    // The file browser offers 'move' only; the files are copied all the same.
    event.dropAction = event.proposedAction;
    if (event.type !== 'lm-drop') {
      this._setDropState(true);
      return;
    }
    const data: unknown = event.mimeData.getData(CONTENTS_MIME);
    const paths = Array.isArray(data)
      ? data.filter((path): path is string => typeof path === 'string')
      : [];
    if (paths.length) {
      this._options.onPaths(paths);
    }
  }

  private _host: Widget;
  private _options: DropZone.IOptions;
  private _overlay: HTMLElement;
}

export namespace DropZone {
  export interface IOptions {
    /**
     * The widget that takes the drops.
     */
    host: Widget;
    /**
     * What the overlay says while something is dragged over the host.
     */
    dropText: () => string;
    /**
     * Files were dropped from the computer, with their relative paths.
     */
    onFiles: (files: IBrowserUpload[]) => void;
    /**
     * Paths were dropped from JupyterLab's file browser.
     */
    onPaths: (paths: string[]) => void;
  }
}

/**
 * Open a sidebar panel when something dragged from the file browser hovers
 * its tab: the file browser and the panel share the left sidebar, so this is
 * how a drag from one reaches the other.
 */
export function openOnDragHover(
  panel: Widget,
  activate: () => void
): IDisposable {
  const onDragEnter = (event: Event) => {
    if (
      !(event instanceof Drag.Event) ||
      !event.mimeData.hasData(CONTENTS_MIME) ||
      panel.isVisible
    ) {
      return;
    }
    const target = event.target;
    const tab = target instanceof Element && target.closest('.lm-TabBar-tab');
    if (tab instanceof HTMLElement && tab.dataset.id === panel.id) {
      activate();
    }
  };
  document.addEventListener('lm-dragenter', onDragEnter, true);
  return new DisposableDelegate(() =>
    document.removeEventListener('lm-dragenter', onDragEnter, true)
  );
}

/**
 * The files of a native drop, folders walked with their relative paths.
 */
export async function collectDropped(
  transfer: DataTransfer
): Promise<IBrowserUpload[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  const items = Array.from(transfer.items ?? []);
  for (const item of items) {
    if (item.kind !== 'file') {
      continue;
    }
    const entry =
      typeof item.webkitGetAsEntry === 'function'
        ? item.webkitGetAsEntry()
        : null;
    const file = entry ? null : item.getAsFile();
    if (entry) {
      entries.push(entry);
    } else if (file) {
      loose.push(file);
    }
  }
  if (!items.length) {
    loose.push(...Array.from(transfer.files));
  }
  const result = loose.map(file => ({ file, path: file.name }));
  for (const entry of entries) {
    await walk(entry, result);
  }
  return result;
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(
  entry: FileSystemEntry
): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

async function walk(
  entry: FileSystemEntry,
  out: IBrowserUpload[]
): Promise<void> {
  if (isFileEntry(entry)) {
    const file = await new Promise<File>((resolve, reject) =>
      entry.file(resolve, reject)
    );
    out.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
  } else if (isDirectoryEntry(entry)) {
    const reader = entry.createReader();
    // readEntries gives at most 100 entries per call: call until empty.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject)
      );
      if (!batch.length) {
        break;
      }
      for (const child of batch) {
        await walk(child, out);
      }
    }
  }
}
