/**
 * The breadcrumbs of the CTA Storage panel: the storage root, then each folder
 * of the current path; a click goes there.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { element } from './dom';
import { ctaStorageIcon } from './icons';
import { StorageModel } from './model';

const MAX_SHOWN = 2;

export class Breadcrumbs extends Widget {
  constructor(options: Breadcrumbs.IOptions) {
    super();
    this.addClass('jp-CtadataBreadcrumbs');
    this.node.setAttribute('role', 'navigation');
    this._model = options.model;
    this._trans = options.trans;
    this.node.setAttribute('aria-label', this._trans.__('Storage path'));
    this._model.changed.connect(this._onChanged, this);
    this.node.addEventListener('click', this);
    this._render();
  }

  handleEvent(event: Event): void {
    if (event.type !== 'click') {
      return;
    }
    const target = (event.target as HTMLElement).closest(
      '[data-path]'
    ) as HTMLElement | null;
    if (target && this.node.contains(target)) {
      event.preventDefault();
      void this._model.cd(target.dataset.path ?? '');
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.node.removeEventListener('click', this);
    super.dispose();
  }

  private _onChanged(): void {
    if (this._model.path !== this._rendered) {
      this._render();
    }
  }

  private _render(): void {
    const path = this._model.path;
    this._rendered = path;
    const node = this.node;
    node.textContent = '';
    const parts = path.split('/').filter(Boolean);

    const root = element(
      'span',
      'jp-CtadataBreadcrumbs-item jp-CtadataBreadcrumbs-root'
    );
    root.dataset.path = '';
    root.title = this._trans.__('Storage root');
    root.setAttribute('role', 'link');
    ctaStorageIcon.element({
      container: root,
      tag: 'span',
      stylesheet: 'breadCrumb'
    });
    node.appendChild(root);

    const first = Math.max(0, parts.length - MAX_SHOWN);
    if (first > 0) {
      this._separator();
      const more = element('span', 'jp-CtadataBreadcrumbs-item', '…');
      more.dataset.path = parts.slice(0, first).join('/') + '/';
      more.title = more.dataset.path;
      more.setAttribute('role', 'link');
      node.appendChild(more);
    }
    for (let i = first; i < parts.length; i++) {
      this._separator();
      const item = element('span', 'jp-CtadataBreadcrumbs-item', parts[i]);
      item.dataset.path = parts.slice(0, i + 1).join('/') + '/';
      item.title = item.dataset.path;
      item.setAttribute('role', 'link');
      if (i === parts.length - 1) {
        item.classList.add('jp-mod-current');
        item.setAttribute('aria-current', 'location');
      }
      node.appendChild(item);
    }
  }

  private _separator(): void {
    this.node.appendChild(
      element('span', 'jp-CtadataBreadcrumbs-separator', '/')
    );
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _rendered: string | null = null;
}

export namespace Breadcrumbs {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
  }
}
