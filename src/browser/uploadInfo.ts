/**
 * The footer of the listing: where uploads go, as a link to that folder.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { element } from '../dom';
import { StorageModel } from './model';

export class UploadInfo extends Widget {
  constructor(options: UploadInfo.IOptions) {
    super();
    this.addClass('jp-CtadataUploadInfo');
    this._model = options.model;
    this._trans = options.trans;
    this.node.addEventListener('click', event => {
      const target = (event.target as HTMLElement).closest('[data-path]');
      if (target instanceof HTMLElement) {
        event.preventDefault();
        void this._model.cd(target.dataset.path ?? '');
      }
    });
    this._model.changed.connect(this._render, this);
    this._model.configChanged.connect(this._render, this);
    this._render();
  }

  private _render(): void {
    const node = this.node;
    node.textContent = '';
    const folder = this._model.uploadFolder;
    if (!this._model.config) {
      return;
    }
    if (!folder) {
      node.textContent = this._trans.__(
        'Uploads: no upload folder is available for your account.'
      );
      return;
    }
    const target = folder + this._model.uploadTarget;
    const label = element('span', '', this._trans.__('Uploads go to '));
    const link = element('a', 'jp-CtadataUploadInfo-link', target);
    link.dataset.path = target;
    link.title = this._trans.__('Go to %1', target);
    link.href = '#';
    node.append(label, link);
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
}

export namespace UploadInfo {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
  }
}
