/**
 * The CTA Storage side panel: its title, the files section and the
 * transfers section, in an accordion.
 */
import { ITranslator } from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { ISignal } from '@lumino/signaling';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { BrowserSection } from './browser';
import { ctaStorageIcon } from '../icons';
import { IStoragePanel } from '../tokens';
import { Listing } from './listing';
import { StorageModel } from './model';
import { TransferModel } from '../transfers/transferModel';
import { TransfersView } from '../transfers/transfers';

/** The files and transfers sections' shares of the panel's height. */
const SIZES = [3, 1];

/** Below this share of the height, the transfers list is no longer seen. */
const MIN_SHARE = 0.05;

export class StoragePanel extends SidePanel implements IStoragePanel {
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
    this._accordion?.setRelativeSizes(SIZES);
    // The transfers section opens when the first transfer starts.
    if (!options.transfers.transfers.length) {
      this._accordion?.collapse(1);
    }
    options.transfersStarted?.connect(() => this.showTransfers(), this);
    // Opened by a click on its header, it gets room if it had none.
    this._accordion?.expansionToggled.connect(() =>
      this.keepTransfersVisible()
    );
  }

  readonly model: StorageModel;
  readonly transfers: TransferModel;
  readonly browser: BrowserSection;
  readonly transfersView: TransfersView;

  get listing(): Listing {
    return this.browser.listing;
  }

  /**
   * Expand the transfers section, with room to show its list.
   */
  showTransfers(): void {
    if (this.transfersView.isHidden) {
      this._accordion?.expand(1);
    }
    this.keepTransfersVisible();
  }

  focusFilter(): void {
    this.browser.filter.input.focus();
    this.browser.filter.input.select();
  }

  /**
   * An expanded transfers section squeezed to nothing gets its room back: a
   * restored layout can hold sizes [1, 0], which look like lost transfers.
   */
  keepTransfersVisible(): void {
    const accordion = this._accordion;
    if (!accordion || this.transfersView.isHidden) {
      return;
    }
    const sizes = accordion.relativeSizes();
    if ((sizes[1] ?? 0) < MIN_SHARE) {
      accordion.setRelativeSizes(SIZES);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.keepTransfersVisible();
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
     * Transfers the user asked for have started: the transfers section opens.
     */
    transfersStarted?: ISignal<unknown, void>;
    /**
     * The panel was shown.
     */
    onShow?: () => void;
  }
}
