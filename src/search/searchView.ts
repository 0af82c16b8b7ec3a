/**
 * The line under the filter box while the panel shows a search: what it
 * found, why it ended, and a Stop button while it runs.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { SearchModel, searchSummary } from './searchModel';

export class SearchView extends Widget {
  constructor(search: SearchModel, trans: TranslationBundle) {
    super();
    this.addClass('jp-CtadataSearch');
    this._search = search;
    this._trans = trans;
    this._text = element('span', 'jp-CtadataSearch-text');
    this._text.setAttribute('role', 'status');
    this._stop = element('button', 'jp-CtadataSearch-stop jp-Button');
    this._stop.type = 'button';
    this._stop.textContent = trans.__('Stop');
    this._stop.title = trans.__('Stop the search');
    this._stop.addEventListener('click', () => search.stop());
    this.node.append(this._text, this._stop);
    search.changed.connect(this._schedule, this);
    this._render();
  }

  /**
   * Render at most once a frame: results may come by the hundred.
   */
  private _schedule(): void {
    if (!this._frame) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this._render();
      });
    }
  }

  private _render(): void {
    const summary = searchSummary(this._search, this._trans);
    this.setHidden(!summary);
    if (!summary) {
      return;
    }
    this.node.dataset.level = summary.level;
    this.node.dataset.status = this._search.status;
    this._text.textContent = summary.text;
    this._text.title = summary.detail;
    this._stop.hidden = this._search.status !== 'running';
  }

  dispose(): void {
    cancelAnimationFrame(this._frame);
    super.dispose();
  }

  private _search: SearchModel;
  private _trans: TranslationBundle;
  private _text: HTMLElement;
  private _stop: HTMLButtonElement;
  private _frame = 0;
}
