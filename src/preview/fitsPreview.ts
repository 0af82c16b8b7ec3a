/**
 * A main-area tab listing the HDUs of a remote FITS file: each HDU's header, and
 * for a table its columns and first rows, as the server extension's `fits`
 * endpoint reads them in place.
 */
import { Widget } from '@lumino/widgets';

import { CtadataClient } from '../api';
import { element } from '../dom';
import { baseName } from '../paths';

type Cell = string | number | boolean | null | Cell[];

interface IHdu {
  index: number;
  name: string;
  type: string;
  header: [string, Cell, string][];
  shape?: number[];
  bitpix?: number;
  nrows?: number;
  columns?: { name: string; format: string; unit: string | null }[];
  rows?: Cell[][];
}

const ROWS = 50;

function text(value: Cell): string {
  return Array.isArray(value)
    ? `[${value.map(text).join(', ')}]`
    : String(value ?? '');
}

function table(className: string, head: string[], rows: Cell[][]) {
  const th = head.map(name => element('th', '', name));
  const body = rows.map(row =>
    element('tr', '', ...row.map(value => element('td', '', text(value))))
  );
  return element(
    'table',
    `jp-CtadataFitsPreview-table ${className}`,
    element('thead', '', element('tr', '', ...th)),
    element('tbody', '', ...body)
  );
}

function summary(hdu: IHdu): string {
  if (hdu.columns) {
    return `${hdu.type}: ${hdu.nrows} rows, ${hdu.columns.length} columns`;
  }
  if (hdu.shape) {
    return `${hdu.type}: ${hdu.shape.join(' × ')}, BITPIX ${hdu.bitpix}`;
  }
  return `${hdu.type}: no data`;
}

function section(hdu: IHdu): HTMLElement {
  const details = element(
    'details',
    'jp-CtadataFitsPreview-hdu',
    element('summary', '', `${hdu.index} ${hdu.name} — ${summary(hdu)}`)
  );
  details.open = hdu.columns !== undefined || hdu.index === 0;
  if (hdu.columns && hdu.rows) {
    const head = hdu.columns.map(c =>
      c.unit ? `${c.name} [${c.unit}]` : c.name
    );
    details.append(
      element('h3', '', `First ${hdu.rows.length} rows`),
      table('jp-mod-rows', head, hdu.rows)
    );
  }
  details.append(
    element('h3', '', 'Header'),
    table('jp-mod-header', ['Keyword', 'Value', 'Comment'], hdu.header)
  );
  return details;
}

export class FitsPreview extends Widget {
  constructor(
    readonly path: string,
    private readonly _client: CtadataClient
  ) {
    super();
    this.addClass('jp-CtadataFitsPreview');
    this.title.label = baseName(path);
    this.title.caption = `CTA storage: ${path}`;
    this.title.closable = true;
    this.node.append(element('p', 'jp-CtadataFitsPreview-status', 'Reading…'));
    void this._load();
  }

  /**
   * Closing the tab cancels the request if it still runs.
   */
  dispose(): void {
    this._closed.abort();
    super.dispose();
  }

  private async _load(): Promise<void> {
    try {
      const answer = await this._client.request<{ hdus: IHdu[] }>(
        'fits',
        { signal: this._closed.signal },
        { file: this.path, rows: String(ROWS) }
      );
      this.node.replaceChildren(...answer.hdus.map(section));
    } catch (error) {
      if (!this.isDisposed) {
        const message = error instanceof Error ? error.message : String(error);
        this.node.replaceChildren(
          element('p', 'jp-CtadataFitsPreview-error', message)
        );
      }
    }
  }

  private readonly _closed = new AbortController();
}
