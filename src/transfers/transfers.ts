/**
 * The transfers view of the CTA Storage panel: one row per transfer with a
 * progress bar, the rate, a cancel button and, for a failed one, its error.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  closeIcon,
  downloadIcon,
  fileUploadIcon,
  PanelWithToolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { isFinished, ITransfer } from '../apiTypes';
import { element } from '../dom';
import { formatRate, formatSize } from '../format';
import { transferIcon } from '../icons';
import { baseName } from '../paths';
import { transferStateLabel } from './transferLabel';
import { TransferModel } from './transferModel';

interface IRow {
  node: HTMLElement;
  name: HTMLElement;
  state: HTMLElement;
  cancel: HTMLButtonElement;
  bar: HTMLElement;
  fill: HTMLElement;
  detail: HTMLElement;
  error: HTMLElement;
  icon: HTMLElement;
  kind: string;
}

/**
 * The fraction done of a transfer, or null when the total is unknown.
 */
export function transferProgress(job: ITransfer): number | null {
  if (job.state === 'done') {
    return 1;
  }
  if (job.bytes_total && job.bytes_total > 0) {
    return Math.min(1, job.bytes_done / job.bytes_total);
  }
  if (job.files_total && job.files_total > 0 && job.files_done > 0) {
    return Math.min(1, job.files_done / job.files_total);
  }
  return null;
}

export class TransfersView extends PanelWithToolbar {
  constructor(options: TransfersView.IOptions) {
    super();
    this.addClass('jp-CtadataTransfers');
    this._model = options.model;
    this._trans = options.trans;
    this.title.label = this._trans.__('Transfers');
    this.title.icon = transferIcon;

    this.toolbar.addItem(
      'cancel-all',
      new ToolbarButton({
        icon: closeIcon,
        tooltip: this._trans.__('Cancel all running transfers'),
        onClick: () => void this._model.cancelAll()
      })
    );
    this.toolbar.addItem(
      'clear',
      new ToolbarButton({
        label: this._trans.__('Clear'),
        tooltip: this._trans.__('Remove the finished transfers from the list'),
        onClick: () => this._model.dismissFinished()
      })
    );

    this._body = new Widget();
    this._body.addClass('jp-CtadataTransfers-body');
    this._list = element('ul', 'jp-CtadataTransfers-list');
    this._list.setAttribute('aria-label', this._trans.__('Transfers'));
    this._empty = element(
      'div',
      'jp-CtadataTransfers-empty',
      this._trans.__(
        'No transfers. Downloads and uploads show their progress here.'
      )
    );
    this._body.node.append(this._empty, this._list);
    this.addWidget(this._body);

    this._list.addEventListener('click', this);
    this._model.changed.connect(this._update, this);
    this._update();
  }

  handleEvent(event: Event): void {
    if (event.type !== 'click') {
      return;
    }
    const button = (event.target as HTMLElement).closest(
      '.jp-CtadataTransfer-cancel'
    ) as HTMLElement | null;
    const id = button?.closest<HTMLElement>('[data-id]')?.dataset.id;
    if (id) {
      button?.setAttribute('disabled', 'true');
      this._model.cancel(id).catch(error => {
        button?.removeAttribute('disabled');
        console.warn('ctadata: cancel failed', error);
      });
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._list.removeEventListener('click', this);
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._update();
  }

  private _update(): void {
    if (this.isDisposed) {
      return;
    }
    const jobs = this._model.transfers;
    this._empty.hidden = jobs.length > 0;
    const seen = new Set<string>();
    let previous: HTMLElement | null = null;
    for (const job of jobs) {
      seen.add(job.id);
      let row = this._rows.get(job.id);
      if (!row) {
        row = this._createRow(job);
        this._rows.set(job.id, row);
      }
      this._fillRow(row, job);
      // Keep the DOM order the list order (newest first).
      const expected: ChildNode | null = previous
        ? previous.nextSibling
        : this._list.firstChild;
      if (expected !== row.node) {
        this._list.insertBefore(row.node, expected);
      }
      previous = row.node;
    }
    for (const [id, row] of [...this._rows]) {
      if (!seen.has(id)) {
        row.node.remove();
        this._rows.delete(id);
      }
    }
    const active = jobs.filter(job => !isFinished(job)).length;
    this.title.caption = active
      ? this._trans._n('%1 transfer running', '%1 transfers running', active)
      : this._trans.__('Transfers');
  }

  private _createRow(job: ITransfer): IRow {
    const node = element('li', 'jp-CtadataTransfer');
    node.dataset.id = job.id;
    const icon = element('span', 'jp-CtadataTransfer-icon');
    const name = element('span', 'jp-CtadataTransfer-name');
    const state = element('span', 'jp-CtadataTransfer-state');
    const cancel = element('button', 'jp-CtadataTransfer-cancel');
    cancel.title = this._trans.__('Cancel this transfer');
    cancel.setAttribute('aria-label', this._trans.__('Cancel'));
    closeIcon.element({
      container: cancel,
      tag: 'span',
      height: '16px',
      width: '16px'
    });
    const line = element(
      'div',
      'jp-CtadataTransfer-line',
      icon,
      name,
      state,
      cancel
    );
    const fill = element('div', 'jp-CtadataTransfer-progressFill');
    const bar = element('div', 'jp-CtadataTransfer-progress', fill);
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    const detail = element('div', 'jp-CtadataTransfer-detail');
    const error = element('div', 'jp-CtadataTransfer-error');
    error.setAttribute('role', 'alert');
    node.append(line, bar, detail, error);
    return {
      node,
      name,
      state,
      cancel,
      bar,
      fill,
      detail,
      error,
      icon,
      kind: ''
    };
  }

  private _fillRow(row: IRow, job: ITransfer): void {
    const trans = this._trans;
    const download = job.kind === 'download';
    if (row.kind !== job.kind) {
      row.kind = job.kind;
      row.icon.textContent = '';
      (download ? downloadIcon : fileUploadIcon).element({
        container: row.icon,
        tag: 'span',
        height: '16px',
        width: '16px'
      });
      row.icon.title = download
        ? trans.__('Download to the workspace')
        : job.kind === 'upload'
          ? trans.__('Upload from the workspace')
          : trans.__('Upload from this computer');
    }
    row.node.dataset.state = job.state;
    row.node.dataset.kind = job.kind;
    const name = baseName(job.path) || job.path;
    row.name.textContent = name;
    const where = download
      ? trans.__('%1 → workspace: %2', job.path, job.local ?? '')
      : trans.__(
          '%1 → storage: %2',
          job.local ?? trans.__('this computer'),
          job.path
        );
    row.name.title = where;

    const progress = transferProgress(job);
    const percent = progress === null ? null : Math.floor(progress * 100);
    row.state.textContent = transferStateLabel(job, percent, trans);
    row.node.dataset.resumed = String(job.resumed === true);
    row.state.title = job.resumed
      ? trans.__('Taken up again after the server restarted')
      : '';
    row.cancel.hidden = isFinished(job);
    row.cancel.disabled = false;

    row.bar.hidden = isFinished(job) && job.state !== 'done';
    row.bar.classList.toggle(
      'jp-mod-indeterminate',
      percent === null && !isFinished(job)
    );
    row.fill.style.width = `${percent ?? 0}%`;
    if (percent === null) {
      row.bar.removeAttribute('aria-valuenow');
    } else {
      row.bar.setAttribute('aria-valuenow', String(percent));
    }
    row.bar.setAttribute('aria-label', trans.__('Progress of %1', name));

    const parts: string[] = [];
    if (job.bytes_total) {
      parts.push(
        trans.__(
          '%1 of %2',
          formatSize(job.bytes_done),
          formatSize(job.bytes_total)
        )
      );
    } else if (job.bytes_done) {
      parts.push(formatSize(job.bytes_done));
    }
    if (!isFinished(job)) {
      const rate = formatRate(job.rate);
      if (rate) {
        parts.push(rate);
      }
    }
    if (job.recursive || (job.files_total ?? 0) > 1) {
      parts.push(
        trans.__('%1 of %2 files', job.files_done, job.files_total ?? '?')
      );
    }
    row.detail.textContent = parts.join(' · ');
    row.detail.title = where;

    row.error.textContent =
      job.state === 'failed' ? (job.error ?? trans.__('Failed.')) : '';
    row.error.hidden = job.state !== 'failed';
  }

  private _model: TransferModel;
  private _trans: TranslationBundle;
  private _body: Widget;
  private _list: HTMLElement;
  private _empty: HTMLElement;
  private _rows = new Map<string, IRow>();
}

export namespace TransfersView {
  export interface IOptions {
    model: TransferModel;
    trans: TranslationBundle;
  }
}
