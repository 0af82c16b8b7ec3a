/**
 * The filter box above the listing: filters by name as one types.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { searchIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { element } from './dom';
import { StorageModel } from './model';

/**
 * How long typing pauses before the listing is filtered, in ms.
 */
const FILTER_DELAY = 120;

export class FilterBox extends Widget {
  constructor(options: FilterBox.IOptions) {
    super();
    this.addClass('jp-CtadataFilter');
    const model = (this._model = options.model);
    const trans = options.trans;
    const input = (this.input = element('input', 'jp-CtadataFilter-input'));
    input.type = 'search';
    input.placeholder = trans.__('Filter by name');
    input.setAttribute('aria-label', trans.__('Filter by name'));
    input.spellcheck = false;
    const icon = element('span', 'jp-CtadataFilter-icon');
    searchIcon.element({
      container: icon,
      tag: 'span',
      height: '16px',
      width: '16px'
    });
    this.node.append(input, icon);
    input.addEventListener('input', () => {
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(() => {
        model.filter = input.value;
      }, FILTER_DELAY);
    });
    input.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        input.value = '';
        model.filter = '';
      } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
        event.preventDefault();
        options.onLeave();
      }
    });
    model.changed.connect(this._update, this);
  }

  readonly input: HTMLInputElement;

  /**
   * Follow the model's filter (it is cleared when the folder changes).
   */
  private _update(): void {
    if (this.input.value !== this._model.filter) {
      this.input.value = this._model.filter;
    }
  }

  private _model: StorageModel;
  private _timer = 0;
}

export namespace FilterBox {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
    /**
     * Down or Enter was pressed: move on to the listing.
     */
    onLeave: () => void;
  }
}
