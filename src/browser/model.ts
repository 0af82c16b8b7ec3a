/**
 * The model of the CTA Storage panel: where it is, what is there, how it is
 * sorted and filtered; what is selected is kept by a `ListSelection`.
 * Widgets only render it.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { CtadataClient } from '../api';
import { IConfig, IEntry } from '../apiTypes';
import { asError, CtadataError } from '../errors';
import { normalizeDir, parentDir } from '../paths';
import { ListSelection, SelectMode } from './selection';
import { ISortState, SortKey, sortAndFilter } from './sort';

/**
 * `loading`: a request is on its way (the previous entries stay shown);
 * `ready`: the entries are those of `path`; `error`: see `error`.
 */
export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The model of one CTA Storage panel.
 */
export class StorageModel implements IDisposable {
  constructor(options: StorageModel.IOptions) {
    this.client = options.client;
  }

  readonly client: CtadataClient;

  /**
   * Any change of path, entries, sort, filter or status.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The selection or the focused entry changed.
   */
  get selectionChanged(): ISignal<this, void> {
    return this._selectionChanged;
  }

  /**
   * The server extension's configuration was (re)loaded.
   */
  get configChanged(): ISignal<this, IConfig | null> {
    return this._configChanged;
  }

  get config(): IConfig | null {
    return this._config;
  }

  /**
   * The error of the last configuration load, if it failed.
   */
  get configError(): CtadataError | null {
    return this._configError;
  }

  get path(): string {
    return this._path;
  }

  get status(): ModelStatus {
    return this._status;
  }

  get error(): CtadataError | null {
    return this._error;
  }

  /**
   * All the entries of the directory, as the server sent them.
   */
  get entries(): readonly IEntry[] {
    return this._entries;
  }

  /**
   * The entries to show: filtered, then sorted (directories first).
   */
  get items(): readonly IEntry[] {
    return this._items;
  }

  /** Whether `items` are a search's results rather than the folder's. */
  get showingResults(): boolean {
    return this._results !== null;
  }

  /**
   * Show a search's results instead of the folder's entries (same sort and
   * selection); `null`, or changing folder, goes back to the folder.
   */
  showResults(entries: readonly IEntry[] | null): void {
    if (entries === null && this._results === null) {
      return;
    }
    this._results = entries;
    this._recompute();
  }

  get sort(): ISortState {
    return { ...this._sort };
  }

  set sort(value: ISortState) {
    if (
      value.key === this._sort.key &&
      value.direction === this._sort.direction
    ) {
      return;
    }
    this._sort = { ...value };
    this._recompute();
  }

  /**
   * Sort by a column; sorting again by the same column reverses the order.
   */
  toggleSort(key: SortKey): void {
    if (this._sort.key === key) {
      this.sort = {
        key,
        direction:
          this._sort.direction === 'ascending' ? 'descending' : 'ascending'
      };
    } else {
      this.sort = { key, direction: 'ascending' };
    }
  }

  get filter(): string {
    return this._filter;
  }

  set filter(value: string) {
    if (value === this._filter) {
      return;
    }
    this._filter = value;
    this._recompute();
  }

  /**
   * The storage folder where uploads land, e.g. `lst/users/alice/`.
   */
  get uploadFolder(): string | null {
    return this._config?.upload_folder
      ? normalizeDir(this._config.upload_folder)
      : null;
  }

  /**
   * Where uploads dropped on this panel land: the current directory when it is
   * inside the user's upload folder, else the upload folder itself.
   * Returned relative to the upload folder (`''` for the folder itself).
   */
  get uploadTarget(): string {
    const folder = this.uploadFolder;
    if (folder && this._path.startsWith(folder)) {
      return this._path.slice(folder.length);
    }
    return '';
  }

  // ---------------------------------------------------------------- selection

  /**
   * The selected entries, in the order they are shown.
   */
  get selectedItems(): IEntry[] {
    return this._selection.selected;
  }

  /**
   * The index in `items` of the entry with the keyboard focus, or -1.
   */
  get focusIndex(): number {
    return this._selection.focus;
  }

  isSelected(path: string): boolean {
    return this._selection.has(path);
  }

  /**
   * Select the entry at `index` of `items` (see `ListSelection.select`).
   */
  select(index: number, mode: SelectMode = 'replace'): void {
    if (this._selection.select(index, mode)) {
      this._selectionChanged.emit();
    }
  }

  selectAll(): void {
    this._selection.selectAll();
    this._selectionChanged.emit();
  }

  clearSelection(): void {
    if (this._selection.clear()) {
      this._selectionChanged.emit();
    }
  }

  /**
   * Move the keyboard focus by `delta` rows; the focused entry is selected,
   * or the selection is extended to it when `extend` is true.
   */
  moveFocus(delta: number, extend = false): void {
    if (this._selection.moveFocus(delta, extend)) {
      this._selectionChanged.emit();
    }
  }

  // --------------------------------------------------------------- navigation

  /**
   * Load the configuration of the server extension.
   */
  async loadConfig(): Promise<IConfig | null> {
    try {
      this._config = await this.client.getConfig();
      this._configError = null;
    } catch (error) {
      this._config = null;
      this._configError = asError(error);
    }
    this._configChanged.emit(this._config);
    return this._config;
  }

  /**
   * Show the directory `path`; the previous listing stays until the new one
   * arrives. Resolves when done; failures end in `status === 'error'`.
   */
  async cd(path: string): Promise<void> {
    const target = normalizeDir(path);
    const changing = target !== this._path;
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._status = 'loading';
    this._changed.emit();
    try {
      const listing = await this.client.list(target, abort.signal);
      if (abort.signal.aborted || this.isDisposed) {
        return;
      }
      this._path = normalizeDir(listing.path ?? target);
      this._entries = listing.entries;
      this._status = 'ready';
      this._error = null;
      if (changing) {
        this._leaveFolder();
      }
    } catch (error) {
      if (abort.signal.aborted || this.isDisposed) {
        return;
      }
      const err = asError(error);
      if (err.reason === 'aborted') {
        return;
      }
      if (err.reason === 'not_found' && target === this.uploadFolder) {
        // The service makes the user folder on the first upload: until then
        // it is an empty folder, not an error.
        this._path = target;
        this._entries = [];
        this._status = 'ready';
        this._error = null;
        this._recompute();
        return;
      }
      this._error = err;
      this._status = 'error';
      if (changing) {
        // Say where the error happened: the breadcrumbs show the target.
        this._path = target;
        this._entries = [];
        this._leaveFolder();
      }
    } finally {
      if (this._abort === abort) {
        this._abort = null;
      }
    }
    this._recompute();
  }

  /**
   * List the current directory again, keeping what is still there selected.
   */
  refresh(): Promise<void> {
    return this.cd(this._path);
  }

  /**
   * Go to the parent directory.
   */
  goUp(): Promise<void> {
    return this.cd(parentDir(this._path));
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._abort?.abort();
    Signal.clearData(this);
  }

  /**
   * Another folder is shown: what was typed, found or selected is of the last.
   */
  private _leaveFolder(): void {
    this._filter = '';
    this._results = null;
    this._selection.reset();
  }

  private _recompute(): void {
    this._items =
      this._results === null
        ? sortAndFilter(this._entries, this._sort, this._filter)
        : sortAndFilter(this._results, this._sort, '');
    this._selection.setItems(this._items);
    this._changed.emit();
    this._selectionChanged.emit();
  }

  private _path = '';
  private _entries: IEntry[] = [];
  private _results: readonly IEntry[] | null = null;
  private _items: IEntry[] = [];
  private _sort: ISortState = { key: 'name', direction: 'ascending' };
  private _filter = '';
  private _status: ModelStatus = 'idle';
  private _error: CtadataError | null = null;
  private _config: IConfig | null = null;
  private _configError: CtadataError | null = null;
  private _selection = new ListSelection<IEntry>();
  private _abort: AbortController | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _selectionChanged = new Signal<this, void>(this);
  private _configChanged = new Signal<this, IConfig | null>(this);
}

export namespace StorageModel {
  export interface IOptions {
    client: CtadataClient;
  }
}
