/**
 * The directory listing of the CTA Storage panel: a sortable header and a
 * virtualised list. Only the rows in view (plus a few) exist in the DOM, so a
 * directory of 10,000 entries scrolls as smoothly as one of ten.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { TranslationBundle } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IEntry } from '../apiTypes';
import { element } from '../dom';
import { NameFitter, sharedPrefixes } from './fitName';
import { ListingHeader } from './listingHeader';
import { ListingKeys } from './listingKeys';
import {
  createRow,
  fillRow,
  IRow,
  IRowContext,
  ITEM_CLASS,
  RESULT_ROW_HEIGHT,
  ROW_HEIGHT
} from './listingRow';
import { StorageModel } from './model';

/**
 * Rows rendered above and below the visible ones.
 */
const OVERSCAN = 8;

/**
 * From this width (px) the listing shows absolute dates, below it relative
 * ones ("2 days ago") as JupyterLab's file browser does.
 */
const WIDE_WIDTH = 420;

/**
 * Below this width (px) the date column is left out: the names need the room.
 */
const NARROW_WIDTH = 300;

/**
 * The right padding of the name cell (style/base.css).
 */
const NAME_PADDING = 8;

const SELECTED_CLASS = 'jp-mod-selected';
const FOCUSED_CLASS = 'jp-mod-focused';

export class Listing extends Widget {
  constructor(options: Listing.IOptions) {
    super();
    this.addClass('jp-CtadataListing');
    this._model = options.model;
    this._trans = options.trans;
    this._registry = options.docRegistry ?? null;

    this._header = new ListingHeader(this._model, this._trans);
    this._keys = new ListingKeys(this._model, entry =>
      this._opened.emit(entry)
    );

    this._content = element('div', 'jp-CtadataListing-content');
    this._content.tabIndex = 0;
    this._content.setAttribute('role', 'listbox');
    this._content.setAttribute('aria-multiselectable', 'true');
    this._content.setAttribute('aria-label', this._trans.__('Storage entries'));
    this._sizer = element('div', 'jp-CtadataListing-sizer');
    this._content.appendChild(this._sizer);

    this._empty = element('div', 'jp-CtadataListing-empty');
    this._content.appendChild(this._empty);

    this.node.appendChild(this._header.node);
    this.node.appendChild(this._content);

    this._model.changed.connect(this._onModelChanged, this);
    this._model.selectionChanged.connect(this._onSelectionChanged, this);
  }

  /**
   * An entry was opened: double-click or Enter.
   */
  get opened(): ISignal<this, IEntry> {
    return this._opened;
  }

  /**
   * Give the keyboard focus to the list.
   */
  focus(): void {
    this._content.focus();
  }

  /**
   * Scroll so that the row `index` is visible.
   */
  scrollToIndex(index: number): void {
    const top = index * this._rowHeight;
    const bottom = top + this._rowHeight;
    const view = this._content;
    if (top < view.scrollTop) {
      view.scrollTop = top;
    } else if (bottom > view.scrollTop + view.clientHeight) {
      view.scrollTop = bottom - view.clientHeight;
    }
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'scroll':
        this._scheduleRender();
        break;
      case 'mousedown':
        this._evtMousedown(event as MouseEvent);
        break;
      case 'dblclick':
        this._evtDblClick(event as MouseEvent);
        break;
      case 'keydown':
        this._evtKeydown(event as KeyboardEvent);
        break;
      default:
        break;
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._content.addEventListener('scroll', this, { passive: true });
    this._content.addEventListener('mousedown', this);
    this._content.addEventListener('dblclick', this);
    this._content.addEventListener('keydown', this);
    this._header.render();
    this._renderAll();
  }

  protected onBeforeDetach(msg: Message): void {
    this._content.removeEventListener('scroll', this);
    this._content.removeEventListener('mousedown', this);
    this._content.removeEventListener('dblclick', this);
    this._content.removeEventListener('keydown', this);
    if (this._frame) {
      cancelAnimationFrame(this._frame);
      this._frame = 0;
    }
    super.onBeforeDetach(msg);
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    this._scheduleRender();
  }

  protected onAfterShow(msg: Message): void {
    this._scheduleRender();
  }

  private _onModelChanged(): void {
    this._header.render();
    const items = this._model.items;
    if (items !== this._lastItems) {
      const pathChanged = this._model.path !== this._lastPath;
      this._lastItems = items;
      this._lastPath = this._model.path;
      this._shared = sharedPrefixes(items.map(item => item.name));
      if (pathChanged) {
        this._content.scrollTop = 0;
      }
      // Force the rows to take their new entries.
      for (const row of this._rows) {
        row.entry = null;
      }
    }
    this._renderAll();
  }

  private _onSelectionChanged(): void {
    const focus = this._model.focusIndex;
    if (focus >= 0 && focus !== this._lastFocus) {
      this.scrollToIndex(focus);
    }
    this._lastFocus = focus;
    this._scheduleRender();
  }

  private _renderAll(): void {
    const items = this._model.items;
    this._sizer.style.height = `${items.length * this._rowHeight}px`;
    this._content.setAttribute('aria-rowcount', String(items.length));
    const status = this._model.status;
    let empty = '';
    const results = this._model.showingResults;
    this.toggleClass('jp-mod-results', results);
    if (results) {
      // The search's own line says what it found, or why it found nothing.
    } else if (items.length === 0 && status === 'ready') {
      if (this._model.filter) {
        empty = this._trans.__('No entry matches “%1”.', this._model.filter);
      } else if (this._model.path === this._model.uploadFolder) {
        empty = this._trans.__(
          'Nothing uploaded yet. Drop files or folders here, or use the upload buttons.'
        );
      } else {
        empty = this._trans.__('This folder is empty.');
      }
    } else if (items.length === 0 && status === 'loading') {
      empty = this._trans.__('Loading…');
    }
    this._empty.textContent = empty;
    this._empty.hidden = !empty;
    this.toggleClass('jp-mod-loading', status === 'loading');
    this._scheduleRender();
  }

  private _scheduleRender(): void {
    if (this._frame || !this.isAttached) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      this._renderRows();
    });
  }

  /**
   * Render the rows in view: reuse the row nodes, update only what changed.
   */
  private _renderRows(): void {
    const items = this._model.items;
    const view = this._content;
    const rowHeight = this._rowHeight;
    const height = view.clientHeight || rowHeight * 20;
    const first = Math.max(
      0,
      Math.floor(view.scrollTop / rowHeight) - OVERSCAN
    );
    const last = Math.min(
      items.length,
      Math.ceil((view.scrollTop + height) / rowHeight) + OVERSCAN
    );
    const count = Math.max(0, last - first);

    // Keep the header columns above the row columns when a scrollbar shows.
    const scrollbar = view.offsetWidth - view.clientWidth;
    this._header.node.style.paddingRight =
      scrollbar > 0 ? `${scrollbar}px` : '';

    const wide = view.clientWidth >= WIDE_WIDTH;
    this.toggleClass('jp-mod-narrow', view.clientWidth < NARROW_WIDTH);
    if (wide !== this._wide || rowHeight !== this._renderedHeight) {
      this._wide = wide;
      this._renderedHeight = rowHeight;
      this.toggleClass('jp-mod-wide', wide);
      for (const row of this._rows) {
        row.entry = null;
      }
    }

    while (this._rows.length < count) {
      this._rows.push(createRow(this._sizer));
    }
    while (this._rows.length > count) {
      const row = this._rows.pop()!;
      row.node.remove();
    }
    // Names are shortened in the middle to the width of their column, so that
    // names differing only at the end (run numbers) stay distinguishable.
    if (
      this._rows.length &&
      this._fitter.measureCell(this._rows[0].name, NAME_PADDING)
    ) {
      for (const row of this._rows) {
        row.entry = null;
      }
    }
    // Keep each index on the same node while scrolling (fewer DOM writes).
    const focus = this._model.focusIndex;
    const context: IRowContext = {
      idPrefix: this.id,
      count: items.length,
      wide: this._wide,
      rowHeight,
      fitName: name => this._fitter.fit(name, this._shared.get(name)),
      registry: this._registry
    };
    for (let i = 0; i < count; i++) {
      const index = first + i;
      const row = this._rows[index % count];
      const entry = items[index];
      if (row.entry !== entry || row.index !== index) {
        fillRow(row, entry, index, context);
      }
      const selected = this._model.isSelected(entry.path);
      row.node.classList.toggle(SELECTED_CLASS, selected);
      row.node.setAttribute('aria-selected', String(selected));
      row.node.classList.toggle(FOCUSED_CLASS, index === focus);
    }
    if (focus >= 0 && items[focus]) {
      view.setAttribute('aria-activedescendant', `${this.id}-row-${focus}`);
    } else {
      view.removeAttribute('aria-activedescendant');
    }
  }

  private _indexForEvent(event: Event): number {
    const node = (event.target as HTMLElement).closest(
      `.${ITEM_CLASS}`
    ) as HTMLElement | null;
    if (!node || !this._content.contains(node)) {
      return -1;
    }
    return Number(node.dataset.index);
  }

  private _evtMousedown(event: MouseEvent): void {
    const index = this._indexForEvent(event);
    const model = this._model;
    if (index < 0) {
      // Empty space: a left click clears the selection.
      if (event.button === 0 && event.target === this._content) {
        model.clearSelection();
      }
      return;
    }
    const path = model.items[index].path;
    if (event.button === 2) {
      // Right click: keep a selection it belongs to, else select it alone.
      if (!model.isSelected(path)) {
        model.select(index);
      }
      return;
    }
    if (event.button !== 0) {
      return;
    }
    if (event.shiftKey) {
      event.preventDefault();
      model.select(index, 'range');
    } else if (event.ctrlKey || event.metaKey) {
      model.select(index, 'toggle');
    } else {
      model.select(index);
    }
  }

  private _evtDblClick(event: MouseEvent): void {
    const index = this._indexForEvent(event);
    if (index < 0 || event.button !== 0) {
      return;
    }
    event.preventDefault();
    this._opened.emit(this._model.items[index]);
  }

  private _evtKeydown(event: KeyboardEvent): void {
    const page = Math.max(
      1,
      Math.floor(this._content.clientHeight / this._rowHeight) - 1
    );
    if (this._keys.handle(event, page)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  /**
   * Search results are two lines high: the name, then its folder.
   */
  private get _rowHeight(): number {
    return this._model.showingResults ? RESULT_ROW_HEIGHT : ROW_HEIGHT;
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _registry: DocumentRegistry | null;
  private _header: ListingHeader;
  private _keys: ListingKeys;
  private _fitter = new NameFitter();
  private _content: HTMLElement;
  private _sizer: HTMLElement;
  private _empty: HTMLElement;
  private _rows: IRow[] = [];
  private _frame = 0;
  private _lastItems: readonly IEntry[] | null = null;
  private _lastPath: string | null = null;
  private _lastFocus = -1;
  private _wide = false;
  private _renderedHeight = ROW_HEIGHT;
  /** How much of each name's start other names share (fitName.ts). */
  private _shared = new Map<string, number>();
  private _opened = new Signal<this, IEntry>(this);
}

export namespace Listing {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
    docRegistry?: DocumentRegistry | null;
  }
}
