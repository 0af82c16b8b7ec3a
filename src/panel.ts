/**
 * The CTA Storage side panel: toolbar, filter, breadcrumbs, listing, the
 * transfers section; says what is wrong instead of showing an empty list, and
 * takes files dropped from the computer or from JupyterLab's file browser.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { searchIcon, SidePanel } from '@jupyterlab/ui-components';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { IDragEvent } from '@lumino/dragdrop';
import { Message } from '@lumino/messaging';
import { PanelLayout, Widget } from '@lumino/widgets';

import { CtadataError, IEntry } from './api';
import { Breadcrumbs } from './breadcrumbs';
import { element } from './dom';
import { ctaStorageIcon } from './icons';
import { Listing } from './listing';
import { StorageModel } from './model';
import { IBrowserUpload, TransferModel } from './transferModel';
import { TransfersView } from './transfers';

/**
 * The mime type of a drag from JupyterLab's file browser: the dragged paths.
 */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

const FILTER_DELAY = 120;

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
 * The section with the filter, the breadcrumbs, the listing and the notices.
 */
export class BrowserSection extends Widget {
  constructor(options: StoragePanel.IOptions) {
    super();
    this.addClass('jp-CtadataBrowser');
    this.title.label = options.trans.__('Files');
    this._model = options.model;
    this._trans = options.trans;
    this._options = options;
    const layout = (this.layout = new PanelLayout());

    // The filter box.
    const filter = new Widget();
    filter.addClass('jp-CtadataFilter');
    const input = element('input', 'jp-CtadataFilter-input');
    input.type = 'search';
    input.placeholder = this._trans.__('Filter by name');
    input.setAttribute('aria-label', this._trans.__('Filter by name'));
    input.spellcheck = false;
    const icon = element('span', 'jp-CtadataFilter-icon');
    searchIcon.element({
      container: icon,
      tag: 'span',
      height: '16px',
      width: '16px'
    });
    filter.node.append(input, icon);
    this._filterInput = input;
    input.addEventListener('input', () => {
      window.clearTimeout(this._filterTimer);
      this._filterTimer = window.setTimeout(() => {
        this._model.filter = input.value;
      }, FILTER_DELAY);
    });
    input.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        input.value = '';
        this._model.filter = '';
      } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
        event.preventDefault();
        this.listing.focus();
        if (this._model.focusIndex < 0) {
          this._model.moveFocus(1);
        }
      }
    });
    layout.addWidget(filter);
    this._filter = filter;

    this.breadcrumbs = new Breadcrumbs({
      model: this._model,
      trans: this._trans
    });
    layout.addWidget(this.breadcrumbs);

    // Notices: not configured, not authenticated, errors.
    this._notice = new Widget();
    this._notice.addClass('jp-CtadataNotice');
    this._notice.node.setAttribute('role', 'alert');
    this._notice.hide();
    layout.addWidget(this._notice);

    this.listing = new Listing({
      model: this._model,
      trans: this._trans,
      docRegistry: options.docRegistry
    });
    this.listing.id = 'ctadata-listing';
    layout.addWidget(this.listing);

    // Where uploads go.
    this._footer = new Widget();
    this._footer.addClass('jp-CtadataUploadInfo');
    layout.addWidget(this._footer);

    // Shown while something is dragged over the panel.
    this._dropOverlay = element('div', 'jp-CtadataDropOverlay');
    this.node.appendChild(this._dropOverlay);

    this.listing.opened.connect((_, entry) => this._open(entry));
    this._model.changed.connect(this._update, this);
    this._model.configChanged.connect(this._update, this);
    this._footer.node.addEventListener('click', event => {
      const target = (event.target as HTMLElement).closest('[data-path]');
      if (target instanceof HTMLElement) {
        void this._model.cd(target.dataset.path ?? '');
      }
    });
    this._update();
  }

  readonly breadcrumbs: Breadcrumbs;
  readonly listing: Listing;

  get filterInput(): HTMLInputElement {
    return this._filterInput;
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'dragenter':
      case 'dragover':
        this._evtNativeDragOver(event as DragEvent);
        break;
      case 'dragleave':
        this._evtNativeDragLeave(event as DragEvent);
        break;
      case 'drop':
        this._evtNativeDrop(event as DragEvent);
        break;
      case 'lm-dragenter':
      case 'lm-dragover':
        this._evtLuminoDragOver(event as IDragEvent);
        break;
      case 'lm-dragleave':
        this._setDropState(false);
        break;
      case 'lm-drop':
        this._evtLuminoDrop(event as IDragEvent);
        break;
      default:
        break;
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    for (const type of DROP_EVENTS) {
      this.node.addEventListener(type, this);
    }
  }

  protected onBeforeDetach(msg: Message): void {
    for (const type of DROP_EVENTS) {
      this.node.removeEventListener(type, this);
    }
    super.onBeforeDetach(msg);
  }

  /**
   * Show the state of the model: a notice, or the listing.
   */
  private _update(): void {
    if (this._filterInput.value !== this._model.filter) {
      this._filterInput.value = this._model.filter;
    }
    const notice = this._noticeContent();
    const node = this._notice.node;
    node.textContent = '';
    if (notice) {
      node.dataset.reason = notice.reason;
      node.appendChild(element('div', 'jp-CtadataNotice-title', notice.title));
      for (const paragraph of notice.text) {
        node.appendChild(element('p', '', paragraph));
      }
      if (notice.detail) {
        node.appendChild(
          element('p', 'jp-CtadataNotice-detail', notice.detail)
        );
      }
      const buttons = element('div', 'jp-CtadataNotice-buttons');
      for (const action of notice.actions) {
        const button = element(
          'button',
          'jp-Button jp-mod-styled jp-mod-accept',
          action.label
        );
        button.addEventListener('click', () => action.run());
        buttons.appendChild(button);
      }
      node.appendChild(buttons);
      this._notice.show();
    } else {
      this._notice.hide();
    }
    // Without a working configuration the listing has nothing to say.
    const blocking = notice?.blocking ?? false;
    this.listing.setHidden(blocking);
    this._footer.setHidden(blocking);
    this._filter.setHidden(blocking);
    this.breadcrumbs.setHidden(blocking);
    this._renderFooter();
  }

  private _renderFooter(): void {
    const node = this._footer.node;
    node.textContent = '';
    const folder = this._model.uploadFolder;
    const config = this._model.config;
    if (!config) {
      return;
    }
    if (!folder) {
      node.textContent = this._trans.__(
        'Uploads: no upload folder is available for your account.'
      );
      return;
    }
    const target = folder + this._model.uploadTarget;
    const label = element('span', '', this._trans.__('Uploads go to '));
    const link = element('a', 'jp-CtadataUploadInfo-link', target);
    link.dataset.path = target;
    link.title = this._trans.__('Go to %1', target);
    link.href = '#';
    link.addEventListener('click', event => event.preventDefault());
    node.append(label, link);
  }

  private _noticeContent(): Private.INotice | null {
    const trans = this._trans;
    const model = this._model;
    const retry = {
      label: trans.__('Retry'),
      run: () => void this._options.onRetry()
    };
    const configError = model.configError;
    if (configError) {
      if (configError.reason === 'extension_unavailable') {
        return {
          reason: configError.reason,
          blocking: true,
          title: trans.__('The ctadata server extension is not available'),
          text: [
            trans.__(
              'The Jupyter server did not load the ctadata server extension, so this panel cannot reach the CTA storage.'
            ),
            trans.__(
              'Install ctadata in the Python environment of the Jupyter server (pip install ctadata), then restart the server.'
            )
          ],
          actions: [retry]
        };
      }
      return {
        reason: configError.reason,
        blocking: true,
        title: trans.__('The configuration could not be read'),
        text: [],
        detail: configError.message,
        actions: [retry]
      };
    }
    const config = model.config;
    if (!config) {
      return null;
    }
    if (!config.downloadservice) {
      return {
        reason: 'not_configured',
        blocking: true,
        title: trans.__('Not configured'),
        text: [
          trans.__(
            'No download service is configured. Set CTADS_URL in the environment of the Jupyter server (or the ctadata settings of the server extension) and restart it.'
          )
        ],
        actions: [retry]
      };
    }
    if (!config.token_present) {
      return {
        reason: 'not_authenticated',
        blocking: true,
        title: trans.__('Not authenticated'),
        text: [
          trans.__(
            'The Jupyter server has no token for the CTA data services. Inside the CTA JupyterHub it is set for you: restart your server from the Hub Control Panel (File > Hub Control Panel).'
          ),
          trans.__(
            'Elsewhere, set JUPYTERHUB_API_TOKEN in the environment of the Jupyter server and restart it.'
          )
        ],
        actions: [retry]
      };
    }
    if (model.status !== 'error' || !model.error) {
      return null;
    }
    return Private.listingNotice(model.error, model, trans, retry);
  }

  private _open(entry: IEntry): void {
    if (entry.type === 'directory') {
      void this._model.cd(entry.path);
    } else {
      this._options.onOpenFile(entry);
    }
  }

  // --------------------------------------------------------- drag and drop

  private _setDropState(on: boolean, text = ''): void {
    this.toggleClass('jp-mod-dropTarget', on);
    this._dropOverlay.textContent = text;
  }

  private _dropText(): string {
    const folder = this._model.uploadFolder;
    return folder
      ? this._trans.__(
          'Drop to upload to %1',
          folder + this._model.uploadTarget
        )
      : this._trans.__('Drop to upload to your folder');
  }

  private _evtNativeDragOver(event: DragEvent): void {
    const types = event.dataTransfer?.types ?? [];
    if (!Array.from(types).includes('Files')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = 'copy';
    }
    this._setDropState(true, this._dropText());
  }

  private _evtNativeDragLeave(event: DragEvent): void {
    const related = event.relatedTarget as Node | null;
    if (related && this.node.contains(related)) {
      return;
    }
    this._setDropState(false);
  }

  private _evtNativeDrop(event: DragEvent): void {
    const transfer = event.dataTransfer;
    if (!transfer || !Array.from(transfer.types).includes('Files')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    this._setDropState(false);
    // The entries must be taken during the event; reading them is async.
    const pending = Private.collectDropped(transfer);
    void pending.then(files => {
      if (files.length) {
        this._options.onUploadFiles(files, this._model.uploadTarget);
      }
    });
  }

  private _evtLuminoDragOver(event: IDragEvent): void {
    if (!event.mimeData.hasData(CONTENTS_MIME)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    // The file browser offers 'move' only; the files are copied all the same.
    event.dropAction = event.proposedAction;
    this._setDropState(true, this._dropText());
  }

  private _evtLuminoDrop(event: IDragEvent): void {
    this._setDropState(false);
    if (!event.mimeData.hasData(CONTENTS_MIME)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    event.dropAction = event.proposedAction;
    const paths = event.mimeData.getData(CONTENTS_MIME) as string[];
    if (paths?.length) {
      this._options.onUploadWorkspacePaths(paths, this._model.uploadTarget);
    }
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _options: StoragePanel.IOptions;
  private _filter: Widget;
  private _filterInput: HTMLInputElement;
  private _filterTimer = 0;
  private _notice: Widget;
  private _footer: Widget;
  private _dropOverlay: HTMLElement;
}

/**
 * The side panel itself.
 */
export class StoragePanel extends SidePanel {
  constructor(options: StoragePanel.IOptions) {
    super({ translator: options.translator });
    this.addClass('jp-CtadataPanel');
    this.id = 'ctadata-storage';
    this.title.icon = ctaStorageIcon;
    this.title.caption = options.trans.__('CTA Storage');
    this.model = options.model;
    this.transfers = options.transfers;
    this._onShow = options.onShow;

    const heading = new Widget({ node: document.createElement('h2') });
    heading.addClass('jp-CtadataPanel-title');
    heading.node.textContent = options.trans.__('CTA Storage');
    this.header.addWidget(heading);

    this.browser = new BrowserSection(options);
    this.transfersView = new TransfersView({
      model: options.transfers,
      trans: options.trans
    });
    this.addWidget(this.browser);
    this.addWidget(this.transfersView);
    const accordion = this.content as unknown as {
      setRelativeSizes(sizes: number[]): void;
      collapse(index: number): void;
    };
    accordion.setRelativeSizes([3, 1]);
    // The transfers section opens when the first transfer starts.
    if (!options.transfers.transfers.length) {
      accordion.collapse(1);
    }
  }

  readonly model: StorageModel;
  readonly transfers: TransferModel;
  readonly browser: BrowserSection;
  readonly transfersView: TransfersView;

  get listing(): Listing {
    return this.browser.listing;
  }

  private _onShow?: () => void;

  /**
   * Expand the transfers section.
   */
  showTransfers(): void {
    const accordion = this.content as unknown as {
      expand(index: number): void;
      setRelativeSizes(sizes: number[]): void;
    };
    if (this.transfersView.isHidden) {
      accordion.expand(1);
      accordion.setRelativeSizes([3, 1]);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._onShow?.();
  }

  protected onActivateRequest(msg: Message): void {
    if (this.isAttached) {
      this.listing.focus();
    }
  }
}

/**
 * Open the panel when something dragged from the file browser hovers its tab
 * in the sidebar: the file browser and the panel share the left sidebar, so
 * this is how a drag from one reaches the other.
 */
export function openOnDragHover(
  panel: StoragePanel,
  activate: () => void
): IDisposable {
  const onDragEnter = (event: Event) => {
    const drag = event as IDragEvent;
    if (!drag.mimeData?.hasData?.(CONTENTS_MIME) || panel.isVisible) {
      return;
    }
    const target = event.target as HTMLElement | null;
    const tab = target?.closest?.('.lm-TabBar-tab');
    if (tab instanceof HTMLElement && tab.dataset.id === panel.id) {
      activate();
    }
  };
  document.addEventListener('lm-dragenter', onDragEnter, true);
  return new DisposableDelegate(() =>
    document.removeEventListener('lm-dragenter', onDragEnter, true)
  );
}

export namespace StoragePanel {
  export interface IOptions {
    model: StorageModel;
    transfers: TransferModel;
    trans: TranslationBundle;
    translator?: ITranslator;
    docRegistry?: DocumentRegistry | null;
    /**
     * A file was double-clicked or opened with Enter.
     */
    onOpenFile: (entry: IEntry) => void;
    /**
     * Files were dropped from the computer; paths are relative to `target`,
     * itself relative to the user's upload folder.
     */
    onUploadFiles: (files: IBrowserUpload[], target: string) => void;
    /**
     * Paths were dropped from JupyterLab's file browser.
     */
    onUploadWorkspacePaths: (paths: string[], target: string) => void;
    /**
     * Load the configuration and the listing again.
     */
    onRetry: () => Promise<void>;
    /**
     * The panel was shown.
     */
    onShow?: () => void;
  }
}

namespace Private {
  export interface INotice {
    reason: string;
    blocking: boolean;
    title: string;
    text: string[];
    detail?: string;
    actions: Array<{ label: string; run: () => void }>;
  }

  export function listingNotice(
    error: CtadataError,
    model: StorageModel,
    trans: TranslationBundle,
    retry: { label: string; run: () => void }
  ): INotice {
    const up = {
      label: trans.__('Go to the storage root'),
      run: () => void model.cd('')
    };
    switch (error.reason) {
      case 'not_authenticated':
        return {
          reason: error.reason,
          blocking: true,
          title: trans.__('Not authenticated'),
          text: [
            trans.__(
              'The download service refused the token of this Jupyter server; it may have expired. Restart your server from the Hub Control Panel (File > Hub Control Panel), then press Retry.'
            )
          ],
          detail: error.message,
          actions: [retry]
        };
      case 'forbidden':
        return {
          reason: error.reason,
          blocking: false,
          title: trans.__('Access denied'),
          text: [trans.__('You may not list this folder.')],
          detail: error.message,
          actions: [up, retry]
        };
      case 'not_found':
        return {
          reason: error.reason,
          blocking: false,
          title: trans.__('This folder does not exist'),
          text: [],
          detail: error.message,
          actions: [up, retry]
        };
      case 'unreachable':
        return {
          reason: error.reason,
          blocking: false,
          title: trans.__('The download service could not be reached'),
          text: [],
          detail: error.message,
          actions: [retry]
        };
      case 'network':
        return {
          reason: error.reason,
          blocking: false,
          title: trans.__('The Jupyter server could not be reached'),
          text: [],
          detail: error.message,
          actions: [retry]
        };
      default:
        return {
          reason: error.reason,
          blocking: false,
          title: trans.__('This folder could not be listed'),
          text: [],
          detail: error.message,
          actions: [retry]
        };
    }
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
    if (items.length) {
      for (const item of items) {
        if (item.kind !== 'file') {
          continue;
        }
        const entry =
          typeof item.webkitGetAsEntry === 'function'
            ? item.webkitGetAsEntry()
            : null;
        if (entry) {
          entries.push(entry);
        } else {
          const file = item.getAsFile();
          if (file) {
            loose.push(file);
          }
        }
      }
    } else {
      loose.push(...Array.from(transfer.files));
    }
    const result: IBrowserUpload[] = loose.map(file => ({
      file,
      path: file.name
    }));
    for (const entry of entries) {
      await walk(entry, result);
    }
    return result;
  }

  async function walk(
    entry: FileSystemEntry,
    out: IBrowserUpload[]
  ): Promise<void> {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject)
      );
      out.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
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
}
