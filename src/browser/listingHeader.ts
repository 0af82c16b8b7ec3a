/**
 * The header of the listing: one column per sort key; a click or Enter on a
 * column sorts by it, again reverses the order.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretUpIcon } from '@jupyterlab/ui-components';

import { element } from '../dom';
import { StorageModel } from './model';
import { SortKey } from './sort';

const SELECTED_CLASS = 'jp-mod-selected';

export class ListingHeader {
  constructor(model: StorageModel, trans: TranslationBundle) {
    this._model = model;
    this._trans = trans;
    this.node = element('div', 'jp-CtadataListing-header');
    this.node.setAttribute('role', 'row');
    this._items = {
      name: this._createItem('name', trans.__('Name')),
      size: this._createItem('size', trans.__('Size')),
      mtime: this._createItem('mtime', trans.__('Modified'))
    };
    this.node.addEventListener('click', event => {
      const item = (event.target as HTMLElement).closest(
        '.jp-CtadataListing-headerItem'
      );
      const key = item instanceof HTMLElement ? item.dataset.sort : undefined;
      if (key === 'name' || key === 'size' || key === 'mtime') {
        this._model.toggleSort(key);
      }
    });
  }

  readonly node: HTMLElement;

  /**
   * Show the sort state of the model.
   */
  render(): void {
    const sort = this._model.sort;
    for (const key of Object.keys(this._items) as SortKey[]) {
      const item = this._items[key];
      const caret = item.querySelector(
        '.jp-CtadataListing-headerItemIcon'
      ) as HTMLElement;
      caret.textContent = '';
      const sorted = key === sort.key;
      item.classList.toggle(SELECTED_CLASS, sorted);
      item.setAttribute('aria-sort', sorted ? sort.direction : 'none');
      if (sorted) {
        const icon =
          sort.direction === 'ascending' ? caretUpIcon : caretDownIcon;
        icon.element({
          container: caret,
          tag: 'span',
          stylesheet: 'listingHeaderItem'
        });
      }
    }
  }

  private _createItem(key: SortKey, label: string): HTMLElement {
    const item = element('div', `jp-CtadataListing-headerItem jp-id-${key}`);
    item.dataset.sort = key;
    item.setAttribute('role', 'columnheader');
    item.tabIndex = 0;
    item.title = this._trans.__('Sort by %1', label);
    item.append(
      element('span', 'jp-CtadataListing-headerItemText', label),
      element('span', 'jp-CtadataListing-headerItemIcon')
    );
    item.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this._model.toggleSort(key);
      }
    });
    this.node.appendChild(item);
    return item;
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _items: Record<SortKey, HTMLElement>;
}
