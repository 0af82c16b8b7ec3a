/**
 * The directory listing of the CTA Storage panel: a sortable header and a
 * virtualised list. Only the rows in view (plus a few) exist in the DOM, so a
 * directory of 10,000 entries scrolls as smoothly as one of ten.
 */
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { Time } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretUpIcon,
  fileIcon,
  folderIcon,
  LabIcon
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IEntry } from './api';
import { element } from './dom';
import { formatDate, formatFullDate, formatSize } from './format';
import { StorageModel } from './model';
import { SortKey } from './sort';

/**
 * The height of one row in pixels; the CSS uses the same value.
 */
export const ROW_HEIGHT = 24;

/**
 * Rows rendered above and below the visible ones.
 */
const OVERSCAN = 8;

/**
 * How long typed characters add up to one search (type-ahead), in ms.
 */
const TYPEAHEAD_MS = 800;

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

const ITEM_CLASS = 'jp-CtadataListing-item';
const SELECTED_CLASS = 'jp-mod-selected';
const FOCUSED_CLASS = 'jp-mod-focused';

interface IRow {
  node: HTMLElement;
  icon: HTMLElement;
  name: HTMLElement;
  size: HTMLElement;
  modified: HTMLElement;
  entry: IEntry | null;
  index: number;
}

export class Listing extends Widget {
  constructor(options: Listing.IOptions) {
    super();
    this.addClass('jp-CtadataListing');
    this._model = options.model;
    this._trans = options.trans;
    this._registry = options.docRegistry ?? null;

    this._header = element('div', 'jp-CtadataListing-header');
    this._header.setAttribute('role', 'row');
    this._headerItems = {
      name: this._createHeaderItem('name', this._trans.__('Name')),
      size: this._createHeaderItem('size', this._trans.__('Size')),
      mtime: this._createHeaderItem('mtime', this._trans.__('Modified'))
    };

    this._content = element('div', 'jp-CtadataListing-content');
    this._content.tabIndex = 0;
    this._content.setAttribute('role', 'listbox');
    this._content.setAttribute('aria-multiselectable', 'true');
    this._content.setAttribute('aria-label', this._trans.__('Storage entries'));
    this._sizer = element('div', 'jp-CtadataListing-sizer');
    this._content.appendChild(this._sizer);

    this._empty = element('div', 'jp-CtadataListing-empty');
    this._content.appendChild(this._empty);

    this.node.appendChild(this._header);
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
    const top = index * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT;
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
      case 'click':
        this._evtHeaderClick(event as MouseEvent);
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
    this._header.addEventListener('click', this);
    this._renderHeader();
    this._renderAll();
  }

  protected onBeforeDetach(msg: Message): void {
    this._content.removeEventListener('scroll', this);
    this._content.removeEventListener('mousedown', this);
    this._content.removeEventListener('dblclick', this);
    this._content.removeEventListener('keydown', this);
    this._header.removeEventListener('click', this);
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

  private _createHeaderItem(key: SortKey, label: string): HTMLElement {
    const item = element('div', `jp-CtadataListing-headerItem jp-id-${key}`);
    item.dataset.sort = key;
    item.setAttribute('role', 'columnheader');
    item.tabIndex = 0;
    item.title = this._trans.__('Sort by %1', label);
    const caret = element('span', 'jp-CtadataListing-headerItemIcon');
    item.append(
      element('span', 'jp-CtadataListing-headerItemText', label),
      caret
    );
    item.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this._model.toggleSort(key);
      }
    });
    this._header.appendChild(item);
    return item;
  }

  private _renderHeader(): void {
    const sort = this._model.sort;
    for (const key of Object.keys(this._headerItems) as SortKey[]) {
      const item = this._headerItems[key];
      const caret = item.querySelector(
        '.jp-CtadataListing-headerItemIcon'
      ) as HTMLElement;
      caret.textContent = '';
      if (key === sort.key) {
        item.classList.add(SELECTED_CLASS);
        item.setAttribute('aria-sort', sort.direction);
        const icon =
          sort.direction === 'ascending' ? caretUpIcon : caretDownIcon;
        icon.element({
          container: caret,
          tag: 'span',
          stylesheet: 'listingHeaderItem'
        });
      } else {
        item.classList.remove(SELECTED_CLASS);
        item.setAttribute('aria-sort', 'none');
      }
    }
  }

  private _onModelChanged(): void {
    this._renderHeader();
    const items = this._model.items;
    if (items !== this._lastItems) {
      const pathChanged = this._model.path !== this._lastPath;
      this._lastItems = items;
      this._lastPath = this._model.path;
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
    this._sizer.style.height = `${items.length * ROW_HEIGHT}px`;
    this._content.setAttribute('aria-rowcount', String(items.length));
    const status = this._model.status;
    let empty = '';
    if (items.length === 0 && status === 'ready') {
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
    const height = view.clientHeight || ROW_HEIGHT * 20;
    const first = Math.max(
      0,
      Math.floor(view.scrollTop / ROW_HEIGHT) - OVERSCAN
    );
    const last = Math.min(
      items.length,
      Math.ceil((view.scrollTop + height) / ROW_HEIGHT) + OVERSCAN
    );
    const count = Math.max(0, last - first);

    // Keep the header columns above the row columns when a scrollbar shows.
    const scrollbar = view.offsetWidth - view.clientWidth;
    this._header.style.paddingRight = scrollbar > 0 ? `${scrollbar}px` : '';

    const wide = view.clientWidth >= WIDE_WIDTH;
    this.toggleClass('jp-mod-narrow', view.clientWidth < NARROW_WIDTH);
    if (wide !== this._wide) {
      this._wide = wide;
      this.toggleClass('jp-mod-wide', wide);
      for (const row of this._rows) {
        row.entry = null;
      }
    }

    while (this._rows.length < count) {
      this._rows.push(this._createRow());
    }
    while (this._rows.length > count) {
      const row = this._rows.pop()!;
      row.node.remove();
    }
    // Names are shortened in the middle to the width of their column, so that
    // names differing only at the end (run numbers) stay distinguishable.
    if (this._rows.length) {
      const cell = this._rows[0].name;
      const width = cell.clientWidth - NAME_PADDING;
      if (width > 0 && width !== this._nameWidth) {
        this._nameWidth = width;
        // Not `style.font`: that shorthand is '' when it cannot represent
        // every font property, and the canvas would measure in 10px sans.
        const style = getComputedStyle(cell);
        this._nameFont = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        for (const row of this._rows) {
          row.entry = null;
        }
      }
    }
    // Keep each index on the same node while scrolling (fewer DOM writes).
    const focus = this._model.focusIndex;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      const row = this._rows[index % count];
      const entry = items[index];
      if (row.entry !== entry || row.index !== index) {
        this._fillRow(row, entry, index);
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

  private _createRow(): IRow {
    const node = element('div', ITEM_CLASS);
    node.setAttribute('role', 'option');
    node.style.height = `${ROW_HEIGHT}px`;
    const icon = element('span', 'jp-CtadataListing-itemIcon');
    const name = element('span', 'jp-CtadataListing-itemName');
    const size = element('span', 'jp-CtadataListing-itemSize');
    const modified = element('span', 'jp-CtadataListing-itemModified');
    node.append(icon, name, size, modified);
    this._sizer.appendChild(node);
    return { node, icon, name, size, modified, entry: null, index: -1 };
  }

  private _fillRow(row: IRow, entry: IEntry, index: number): void {
    row.entry = entry;
    row.index = index;
    const node = row.node;
    node.dataset.index = String(index);
    node.dataset.type = entry.type;
    node.dataset.path = entry.path;
    node.id = `${this.id}-row-${index}`;
    node.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    node.setAttribute('aria-posinset', String(index + 1));
    node.setAttribute('aria-setsize', String(this._model.items.length));
    // The tooltip says it all, as the date column hides in a narrow sidebar.
    node.title = [
      entry.path,
      entry.type === 'directory' ? '' : formatSize(entry.size),
      formatFullDate(entry.mtime)
    ]
      .filter(Boolean)
      .join('\n');

    row.icon.textContent = '';
    this._iconFor(entry).element({
      container: row.icon,
      tag: 'span',
      elementPosition: 'center',
      height: '16px',
      width: '16px'
    });
    row.name.textContent = this._fitName(entry.name);
    row.size.textContent =
      entry.type === 'directory' ? '' : formatSize(entry.size);
    if (this._wide || !entry.mtime || isNaN(Date.parse(entry.mtime))) {
      row.modified.textContent = formatDate(entry.mtime);
    } else {
      row.modified.textContent = Time.formatHuman(entry.mtime, 'narrow');
    }
    row.modified.title = formatFullDate(entry.mtime);
  }

  /**
   * The name shortened in the middle (`dl1_LST…16000.0000.h5`) to fit its
   * column; the end keeps more, as that is where names of runs differ.
   */
  private _fitName(name: string): string {
    const width = this._nameWidth;
    if (width <= 0) {
      return name;
    }
    if (!this._canvas) {
      this._canvas = document.createElement('canvas').getContext('2d');
    }
    const context = this._canvas;
    if (!context) {
      return name;
    }
    context.font = this._nameFont;
    if (context.measureText(name).width <= width) {
      return name;
    }
    let low = 1;
    let high = name.length - 1;
    let best = '…';
    while (low <= high) {
      const kept = (low + high) >> 1;
      const head = Math.floor(kept * 0.4);
      const candidate =
        name.slice(0, head) + '…' + name.slice(name.length - (kept - head));
      if (context.measureText(candidate).width <= width) {
        best = candidate;
        low = kept + 1;
      } else {
        high = kept - 1;
      }
    }
    return best;
  }

  private _iconFor(entry: IEntry): LabIcon {
    if (entry.type === 'directory') {
      return folderIcon;
    }
    const types = this._registry?.getFileTypesForPath(entry.name) ?? [];
    for (const type of types) {
      if (type.icon instanceof LabIcon) {
        return type.icon;
      }
    }
    return fileIcon;
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

  private _evtHeaderClick(event: MouseEvent): void {
    const item = (event.target as HTMLElement).closest(
      '.jp-CtadataListing-headerItem'
    ) as HTMLElement | null;
    if (item?.dataset.sort) {
      this._model.toggleSort(item.dataset.sort as SortKey);
    }
  }

  private _evtKeydown(event: KeyboardEvent): void {
    const model = this._model;
    const page = Math.max(
      1,
      Math.floor(this._content.clientHeight / ROW_HEIGHT) - 1
    );
    const accel = event.ctrlKey || event.metaKey;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        model.moveFocus(1, event.shiftKey);
        break;
      case 'ArrowUp':
        if (event.altKey) {
          void model.goUp();
        } else {
          model.moveFocus(-1, event.shiftKey);
        }
        break;
      case 'PageDown':
        model.moveFocus(page, event.shiftKey);
        break;
      case 'PageUp':
        model.moveFocus(-page, event.shiftKey);
        break;
      case 'Home':
        model.moveFocus(-model.items.length, event.shiftKey);
        break;
      case 'End':
        model.moveFocus(model.items.length, event.shiftKey);
        break;
      case 'Enter': {
        const item = model.items[model.focusIndex];
        if (item) {
          this._opened.emit(item);
        }
        break;
      }
      case 'Backspace':
        void model.goUp();
        break;
      case 'Escape':
        model.clearSelection();
        break;
      case 'a':
      case 'A':
        if (accel) {
          model.selectAll();
        } else {
          handled = this._typeAhead(event);
        }
        break;
      case ' ':
        if (accel && model.focusIndex >= 0) {
          model.select(model.focusIndex, 'toggle');
        } else {
          handled = this._typeAhead(event);
        }
        break;
      default:
        handled = this._typeAhead(event);
        break;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  /**
   * Typing letters jumps to the first entry whose name starts with them.
   */
  private _typeAhead(event: KeyboardEvent): boolean {
    if (
      event.key.length !== 1 ||
      event.ctrlKey ||
      event.metaKey ||
      event.altKey
    ) {
      return false;
    }
    const now = Date.now();
    if (now - this._typedAt > TYPEAHEAD_MS) {
      this._typed = '';
    }
    this._typedAt = now;
    this._typed += event.key.toLowerCase();
    const items = this._model.items;
    const index = items.findIndex(item =>
      item.name.toLowerCase().startsWith(this._typed)
    );
    if (index >= 0) {
      this._model.select(index);
    }
    return true;
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _registry: DocumentRegistry | null;
  private _header: HTMLElement;
  private _headerItems: Record<SortKey, HTMLElement>;
  private _content: HTMLElement;
  private _sizer: HTMLElement;
  private _empty: HTMLElement;
  private _rows: IRow[] = [];
  private _frame = 0;
  private _lastItems: readonly IEntry[] | null = null;
  private _lastPath: string | null = null;
  private _lastFocus = -1;
  private _wide = false;
  private _nameWidth = 0;
  private _nameFont = '';
  private _canvas: CanvasRenderingContext2D | null = null;
  private _typed = '';
  private _typedAt = 0;
  private _opened = new Signal<this, IEntry>(this);
}

export namespace Listing {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
    docRegistry?: DocumentRegistry | null;
  }
}
