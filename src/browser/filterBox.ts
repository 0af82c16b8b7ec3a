/**
 * The filter box above the listing. In its first mode it filters the folder by
 * name as one types; its toggle switches to searching below the folder (a
 * name pattern, run with Enter).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { searchIcon, treeViewIcon } from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { StorageModel } from './model';

/**
 * How long typing pauses before the listing is filtered, in ms.
 */
const FILTER_DELAY = 120;

export type FilterMode = 'filter' | 'search';

export class FilterBox extends Widget {
  constructor(options: FilterBox.IOptions) {
    super();
    this.addClass('jp-CtadataFilter');
    const model = (this._model = options.model);
    this._options = options;
    const trans = options.trans;
    const input = (this.input = element('input', 'jp-CtadataFilter-input'));
    input.type = 'search';
    input.spellcheck = false;
    const icon = element('span', 'jp-CtadataFilter-icon');
    searchIcon.element({
      container: icon,
      tag: 'span',
      height: '16px',
      width: '16px'
    });
    const toggle = (this._toggle = element(
      'button',
      'jp-CtadataFilter-mode jp-Button jp-mod-minimal'
    ));
    toggle.type = 'button';
    toggle.title = trans.__('Search below this folder');
    toggle.setAttribute('aria-label', trans.__('Search below this folder'));
    treeViewIcon.element({ container: toggle, tag: 'span', height: '16px' });
    toggle.addEventListener('click', () => {
      this.mode = this._mode === 'filter' ? 'search' : 'filter';
      input.focus();
    });
    this.node.append(input, icon, toggle);
    input.addEventListener('input', () => {
      if (this._mode === 'filter') {
        window.clearTimeout(this._timer);
        this._timer = window.setTimeout(() => {
          model.filter = input.value;
        }, FILTER_DELAY);
      }
    });
    input.addEventListener('keydown', event => this._onKeydown(event));
    model.changed.connect(this._update, this);
    this._render();
  }

  readonly input: HTMLInputElement;

  /**
   * Filtering this folder, or searching below it.
   */
  get mode(): FilterMode {
    return this._mode;
  }

  set mode(value: FilterMode) {
    if (value === this._mode) {
      return;
    }
    this._mode = value;
    window.clearTimeout(this._timer);
    this.input.value = '';
    this._model.filter = '';
    this._render();
    this._modeChanged.emit(value);
  }

  get modeChanged(): ISignal<this, FilterMode> {
    return this._modeChanged;
  }

  private _onKeydown(event: KeyboardEvent): void {
    const searching = this._mode === 'search';
    if (event.key === 'Escape') {
      this.input.value = '';
      if (searching) {
        this._options.onSearch('');
      } else {
        this._model.filter = '';
      }
    } else if (searching && event.key === 'Enter') {
      event.preventDefault();
      this._options.onSearch(this.input.value);
    } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      this._options.onLeave();
    }
  }

  private _render(): void {
    const trans = this._options.trans;
    const searching = this._mode === 'search';
    const label = searching
      ? trans.__('Search below this folder (Enter)')
      : trans.__('Filter by name');
    this.input.placeholder = searching
      ? trans.__('Search below: *.h5, run42… (Enter)')
      : label;
    this.input.setAttribute('aria-label', label);
    this._toggle.setAttribute('aria-pressed', String(searching));
    this.toggleClass('jp-mod-search', searching);
  }

  /**
   * Follow the model's filter (it is cleared when the folder changes).
   */
  private _update(): void {
    if (this._mode === 'filter' && this.input.value !== this._model.filter) {
      this.input.value = this._model.filter;
    }
  }

  private _model: StorageModel;
  private _options: FilterBox.IOptions;
  private _toggle: HTMLButtonElement;
  private _mode: FilterMode = 'filter';
  private _timer = 0;
  private _modeChanged = new Signal<this, FilterMode>(this);
}

export namespace FilterBox {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
    /**
     * Down or Enter was pressed (Down only while searching): move on to the
     * listing.
     */
    onLeave: () => void;
    /**
     * Enter was pressed while searching (or Escape, with `''`).
     */
    onSearch: (text: string) => void;
  }
}
