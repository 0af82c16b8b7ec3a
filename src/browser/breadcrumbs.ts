/**
 * The breadcrumbs of the CTA Storage panel: the storage root, then each folder
 * of the current path; a click goes there. The first folders fold into "…"
 * only when the whole path does not fit.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { foldedCount } from './crumbFolding';
import { element } from '../dom';
import { ctaStorageIcon } from '../icons';
import { StorageModel } from './model';

/** A crumb's side margins, in px (style/breadcrumbs.css). */
const MARGINS = 4;

/** The class that keeps crumbs at their full widths while they are measured. */
const MEASURING = 'jp-mod-measuring';

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
    // A new width may fold more folders, or fewer.
    this._resizes = new ResizeObserver(() => this._render());
    this._resizes.observe(this.node);
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
    this._resizes.disconnect();
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

    const crumbs = parts.map((part, i) => {
      const separator = this._separator();
      const item = this._link(part, parts.slice(0, i + 1).join('/') + '/');
      if (i === parts.length - 1) {
        item.classList.add('jp-mod-current');
        item.setAttribute('aria-current', 'location');
      }
      return [separator, item];
    });
    this._fold(root, crumbs);
  }

  /**
   * Replace the first crumbs by "…" (a link to the last folded folder) when
   * they do not all fit, measured at their full widths.
   */
  private _fold(root: HTMLElement, crumbs: HTMLElement[][]): void {
    if (crumbs.length < 2 || !this.node.clientWidth) {
      return;
    }
    const more = this._link('…', '');
    // Measured unshrunk: a crumb squeezed by the flex layout is not its width.
    this.node.classList.add(MEASURING);
    const available = this.node.clientWidth - root.offsetWidth - MARGINS;
    const widths = crumbs.map(
      ([separator, item]) => separator.offsetWidth + item.offsetWidth + MARGINS
    );
    const foldWidth = more.offsetWidth + MARGINS + crumbs[0][0].offsetWidth;
    this.node.classList.remove(MEASURING);
    const folded = foldedCount(widths, available, foldWidth);
    if (!folded) {
      more.remove();
      return;
    }
    more.dataset.path = crumbs[folded - 1][1].dataset.path;
    more.title = more.dataset.path ?? '';
    for (const [separator, item] of crumbs.slice(0, folded)) {
      separator.remove();
      item.remove();
    }
    this.node.insertBefore(more, crumbs[folded][0]);
    this.node.insertBefore(this._separator(), more);
  }

  /**
   * A crumb going to `path`, appended.
   */
  private _link(text: string, path: string): HTMLElement {
    const item = element('span', 'jp-CtadataBreadcrumbs-item', text);
    item.dataset.path = path;
    item.title = path;
    item.setAttribute('role', 'link');
    this.node.appendChild(item);
    return item;
  }

  private _separator(): HTMLElement {
    return this.node.appendChild(
      element('span', 'jp-CtadataBreadcrumbs-separator', '/')
    );
  }

  private _model: StorageModel;
  private _trans: TranslationBundle;
  private _rendered: string | null = null;
  private _resizes: ResizeObserver;
}

export namespace Breadcrumbs {
  export interface IOptions {
    model: StorageModel;
    trans: TranslationBundle;
  }
}
