/**
 * The files section of the CTA Storage panel: the filter (or a search below
 * the folder, whose results the listing shows), the breadcrumbs,
 * a notice instead of the listing when something is wrong, the listing, and
 * where uploads go; files dropped on it are uploaded.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { PanelLayout, Widget } from '@lumino/widgets';

import { IEntry } from '../apiTypes';
import { Breadcrumbs } from './breadcrumbs';
import { DropZone } from './dropzone';
import { FilterBox } from './filterBox';
import { Listing } from './listing';
import { StorageModel } from './model';
import { NoticeView } from './noticeView';
import { ISearchQuery, searchPattern } from '../search/searchLines';
import { SearchModel } from '../search/searchModel';
import { SearchView } from '../search/searchView';
import { stateNotice } from './stateNotice';
import { IBrowserUpload } from '../transfers/browserUploads';
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

    this.search = new SearchModel(model.client);
    this.filter = new FilterBox({
      model,
      trans,
      onSearch: text => this._startSearch(text),
      onLeave: () => {
        this.listing.focus();
        if (model.focusIndex < 0) {
          model.moveFocus(1);
        }
      }
    });
    this.filter.modeChanged.connect(() => this._endSearch());
    this._searchView = new SearchView(this.search, trans);
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
      this._searchView,
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
    this.search.changed.connect(this._showResults, this);
    model.changed.connect(this._update, this);
    model.configChanged.connect(this._update, this);
    this._update();
  }

  readonly filter: FilterBox;
  readonly search: SearchModel;
  readonly breadcrumbs: Breadcrumbs;
  readonly listing: Listing;

  dispose(): void {
    this.search.clear();
    cancelAnimationFrame(this._resultsFrame);
    this._dropZone.detach();
    super.dispose();
  }

  /**
   * Show the state of the model: a notice, or the listing.
   */
  private _update(): void {
    if (!this._model.showingResults && this.search.status !== 'idle') {
      // The folder changed under the search: back to filtering the new one.
      this.filter.mode = 'filter';
      this._endSearch();
    }
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

  /**
   * Search below the current folder for `text` (see `searchPattern`); an
   * empty text goes back to the folder's entries.
   */
  private _startSearch(text: string): void {
    const name = searchPattern(text);
    if (!name) {
      this._endSearch();
      return;
    }
    const query: ISearchQuery = {
      path: this._model.path,
      name,
      ignore_case: 'true'
    };
    void this.search.start(query);
    this._model.showResults(this.search.results);
  }

  private _endSearch(): void {
    this.search.clear();
    this._model.showResults(null);
  }

  /**
   * Hand the results to the listing, at most once a frame.
   */
  private _showResults(): void {
    if (this._resultsFrame || this.search.status === 'idle') {
      return;
    }
    this._resultsFrame = requestAnimationFrame(() => {
      this._resultsFrame = 0;
      if (this.search.status !== 'idle') {
        this._model.showResults(this.search.results);
      }
    });
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
  private _searchView: SearchView;
  private _resultsFrame = 0;
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
