/**
 * The status-bar item shown while transfers run: how many, and how far along.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { transferIcon } from '../icons';
import { TransferModel } from './transferModel';
import { formatRate } from '../format';

export class TransferStatus extends Widget {
  constructor(options: TransferStatus.IOptions) {
    super({ node: document.createElement('button') });
    this.addClass('jp-CtadataStatus');
    this.addClass('jp-StatusBar-TextItem');
    this._model = options.model;
    this._trans = options.trans;
    this._onClick = options.onClick;
    const icon = element('span', 'jp-CtadataStatus-icon');
    transferIcon.element({
      container: icon,
      tag: 'span',
      stylesheet: 'statusBar'
    });
    this._label = element('span', 'jp-CtadataStatus-label');
    this.node.append(icon, this._label);
    this.node.addEventListener('click', () => this._onClick());
    this._model.changed.connect(this._update, this);
    this._update();
  }

  private _update(): void {
    const active = this._model.active;
    let done = 0;
    let total = 0;
    let rate = 0;
    for (const job of active) {
      if (job.bytes_total) {
        done += Math.min(job.bytes_done, job.bytes_total);
        total += job.bytes_total;
      }
      rate += job.rate ?? 0;
    }
    const count = this._trans._n(
      '%1 CTA transfer',
      '%1 CTA transfers',
      active.length
    );
    const parts = [count];
    if (total > 0) {
      parts.push(`${Math.floor((done / total) * 100)}%`);
    }
    const speed = formatRate(rate);
    if (speed) {
      parts.push(speed);
    }
    this._label.textContent = parts.join(' · ');
    this.node.title = this._trans.__('Show the CTA Storage transfers');
  }

  private _model: TransferModel;
  private _trans: TranslationBundle;
  private _label: HTMLElement;
  private _onClick: () => void;
}

export namespace TransferStatus {
  export interface IOptions {
    model: TransferModel;
    trans: TranslationBundle;
    onClick: () => void;
  }
}
