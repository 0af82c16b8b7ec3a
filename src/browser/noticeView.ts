/**
 * The notice shown in place of the listing: not configured, not
 * authenticated, errors (see stateNotice.ts for what it says).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { INotice, NoticeAction } from './stateNotice';

export class NoticeView extends Widget {
  constructor(options: NoticeView.IOptions) {
    super();
    this.addClass('jp-CtadataNotice');
    this.node.setAttribute('role', 'alert');
    this._trans = options.trans;
    this._run = options.run;
    this.hide();
  }

  /**
   * Show `notice`, or hide when null.
   */
  render(notice: INotice | null): void {
    const node = this.node;
    node.textContent = '';
    if (!notice) {
      this.hide();
      return;
    }
    node.dataset.reason = notice.reason;
    node.appendChild(element('div', 'jp-CtadataNotice-title', notice.title));
    for (const paragraph of notice.text) {
      node.appendChild(element('p', '', paragraph));
    }
    if (notice.detail) {
      node.appendChild(element('p', 'jp-CtadataNotice-detail', notice.detail));
    }
    const buttons = element('div', 'jp-CtadataNotice-buttons');
    for (const action of notice.actions) {
      const button = element(
        'button',
        'jp-Button jp-mod-styled jp-mod-accept',
        this._label(action)
      );
      button.addEventListener('click', () => this._run(action));
      buttons.appendChild(button);
    }
    node.appendChild(buttons);
    this.show();
  }

  private _label(action: NoticeAction): string {
    return action === 'retry'
      ? this._trans.__('Retry')
      : this._trans.__('Go to the storage root');
  }

  private _trans: TranslationBundle;
  private _run: (action: NoticeAction) => void;
}

export namespace NoticeView {
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * A button of the notice was pressed.
     */
    run: (action: NoticeAction) => void;
  }
}
