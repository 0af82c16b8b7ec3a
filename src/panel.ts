/**
 * The CTA Storage side panel: its title, the files section and the
 * transfers section, in an accordion.
 */
import { ITranslator } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { BrowserSection } from './browser';
import { ctaStorageIcon } from './icons';
import { Listing } from './listing';
import { StorageModel } from './model';
import { TransferModel } from './transferModel';
import { TransfersView } from './transfers';

export class StoragePanel extends SidePanel {
  constructor(options: StoragePanel.IOptions) {
    super({ translator: options.translator });
    this.addClass('jp-CtadataPanel');
    this.id = 'ctadata-storage';
    this.title.icon = ctaStorageIcon;
    this.title.caption = options.trans.__('CTA Storage');
    this.model = options.model;
    this.transfers = options.transfers;
    this._onShow = options.onShow;

    const heading = new Widget({ node: document.createElement('h2') });
    heading.addClass('jp-CtadataPanel-title');
    heading.node.textContent = options.trans.__('CTA Storage');
    this.header.addWidget(heading);

    this.browser = new BrowserSection(options);
    this.transfersView = new TransfersView({
      model: options.transfers,
      trans: options.trans
    });
    this.addWidget(this.browser);
    this.addWidget(this.transfersView);
    this._accordion?.setRelativeSizes([3, 1]);
    // The transfers section opens when the first transfer starts.
    if (!options.transfers.transfers.length) {
      this._accordion?.collapse(1);
    }
  }

  readonly model: StorageModel;
  readonly transfers: TransferModel;
  readonly browser: BrowserSection;
  readonly transfersView: TransfersView;

  get listing(): Listing {
    return this.browser.listing;
  }

  /**
   * Expand the transfers section.
   */
  showTransfers(): void {
    if (this.transfersView.isHidden) {
      this._accordion?.expand(1);
      this._accordion?.setRelativeSizes([3, 1]);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._onShow?.();
  }

  protected onActivateRequest(msg: Message): void {
    if (this.isAttached) {
      this.listing.focus();
    }
  }

  /**
   * The sections' accordion (SidePanel's default content).
   */
  private get _accordion(): AccordionPanel | null {
    return this.content instanceof AccordionPanel ? this.content : null;
  }

  private _onShow?: () => void;
}

export namespace StoragePanel {
  export interface IOptions extends BrowserSection.IOptions {
    transfers: TransferModel;
    translator?: ITranslator;
    /**
     * The panel was shown.
     */
    onShow?: () => void;
  }
}
