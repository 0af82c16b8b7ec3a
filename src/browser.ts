/**
 * The files section of the CTA Storage panel: the filter, the breadcrumbs,
 * a notice instead of the listing when something is wrong, the listing, and
 * where uploads go; files dropped on it are uploaded.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { PanelLayout, Widget } from '@lumino/widgets';

import { IEntry } from './api';
import { Breadcrumbs } from './breadcrumbs';
import { DropZone } from './dropzone';
import { FilterBox } from './filterBox';
import { Listing } from './listing';
import { StorageModel } from './model';
import { NoticeView } from './noticeView';
import { stateNotice } from './stateNotice';
import { IBrowserUpload } from './browserUploads';
import { UploadInfo } from './uploadInfo';

export class BrowserSection extends Widget {
  constructor(options: BrowserSection.IOptions) {
    super();
    this.addClass('jp-CtadataBrowser');
    const { model, trans } = options;
    this.title.label = trans.__('Files');
    this._model = model;
    this._trans = trans;
    const layout = (this.layout = new PanelLayout());

    this.filter = new FilterBox({
      model,
      trans,
      onLeave: () => {
        this.listing.focus();
        if (model.focusIndex < 0) {
          model.moveFocus(1);
        }
      }
    });
    this.breadcrumbs = new Breadcrumbs({ model, trans });
    this._notice = new NoticeView({
      trans,
      run: action =>
        void (action === 'retry' ? options.onRetry() : model.cd(''))
    });
    this.listing = new Listing({
      model,
      trans,
      docRegistry: options.docRegistry
    });
    this.listing.id = 'ctadata-listing';
    this._footer = new UploadInfo({ model, trans });
    for (const widget of [
      this.filter,
      this.breadcrumbs,
      this._notice,
      this.listing,
      this._footer
    ]) {
      layout.addWidget(widget);
    }

    this._dropZone = new DropZone({
      host: this,
      dropText: () => this._dropText(),
      onFiles: files => options.onUploadFiles(files, model.uploadTarget),
      onPaths: paths =>
        options.onUploadWorkspacePaths(paths, model.uploadTarget)
    });

    this.listing.opened.connect((_, entry) => {
      if (entry.type === 'directory') {
        void model.cd(entry.path);
      } else {
        options.onOpenFile(entry);
      }
    });
    model.changed.connect(this._update, this);
    model.configChanged.connect(this._update, this);
    this._update();
  }

  readonly filter: FilterBox;
  readonly breadcrumbs: Breadcrumbs;
  readonly listing: Listing;

  dispose(): void {
    this._dropZone.detach();
    super.dispose();
  }

  /**
   * Show the state of the model: a notice, or the listing.
   */
  private _update(): void {
    const notice = stateNotice(this._model, this._trans);
    this._notice.render(notice);
    // Without a working configuration the listing has nothing to say.
    const blocking = notice?.blocking ?? false;
    for (const widget of [
      this.listing,
      this._footer,
      this.filter,
      this.breadcrumbs
    ]) {
      widget.setHidden(blocking);
    }
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

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _notice: NoticeView;
  private _footer: UploadInfo;
  private _dropZone: DropZone;
}

export namespace BrowserSection {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
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
  }
}
