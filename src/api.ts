/**
 * A typed client of the `ctadata_lab` REST API (see docs/rest-api.md); the
 * shapes of its requests and answers are in apiTypes.ts.
 *
 * Every call goes through `ServerConnection.makeRequest`, which adds Jupyter's
 * authentication and the XSRF header. Every failure becomes a `CtadataError`
 * that carries the `reason` code of the server and a sentence for a person.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  CertificateKey,
  IConfig,
  IListing,
  ITransfer,
  IUploadResult,
  TransferRequest
} from './apiTypes';
import { CtadataError, errorFromResponse } from './errors';
import {
  ISearchQuery,
  LineSplitter,
  parseSearchLine,
  SearchLine
} from './search/searchLines';

const NAMESPACE = 'ctadata';

/**
 * The REST client. One instance per application.
 */
export class CtadataClient {
  constructor(options: CtadataClient.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  /**
   * The URL of an endpoint, with an optional query.
   */
  url(endpoint: string, query?: Record<string, string>): string {
    let url = URLExt.join(this.serverSettings.baseUrl, NAMESPACE, endpoint);
    if (query) {
      url += URLExt.objectToQueryString(query);
    }
    return url;
  }

  /**
   * Send a request and parse the JSON answer; throw a `CtadataError` otherwise.
   */
  async request<T>(
    endpoint: string,
    init: RequestInit = {},
    query?: Record<string, string>
  ): Promise<T> {
    const response = await this._send(endpoint, init, query);
    const text = await response.text();
    if (!response.ok) {
      const error = errorFromResponse(response.status, text);
      if (response.status === 404 && endpoint === 'config') {
        throw new CtadataError(
          'The ctadata server extension is not available.',
          'extension_unavailable',
          404
        );
      }
      throw error;
    }
    return text ? Private.parseJson<T>(text, response.status) : (null as T);
  }

  /**
   * `GET find`: call `onLine` with each line of the search as it comes, until
   * the `end` line. Aborting `signal` closes the connection, which stops the
   * search on the server; the promise then rejects with reason `aborted`.
   */
  async find(
    query: ISearchQuery,
    onLine: (line: SearchLine) => void,
    signal?: AbortSignal
  ): Promise<void> {
    const init = { method: 'GET', signal };
    const response = await this._send('find', init, { ...query });
    if (!response.ok) {
      throw errorFromResponse(response.status, await response.text());
    }
    const splitter = new LineSplitter();
    const take = (lines: string[]) => {
      for (const text of lines) {
        const line = parseSearchLine(text);
        if (line) {
          onLine(line);
        }
      }
    };
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        take(splitter.push(decoder.decode(value, { stream: true })));
      }
    } catch (error) {
      throw Private.fetchError(
        error,
        'The connection to the Jupyter server was lost.'
      );
    }
    take(splitter.push(decoder.decode()));
    take(splitter.flush());
  }

  getConfig(): Promise<IConfig> {
    return this.request<IConfig>('config', { method: 'GET' });
  }

  list(path: string, signal?: AbortSignal): Promise<IListing> {
    return this.request<IListing>('list', { method: 'GET', signal }, { path });
  }

  startTransfer(body: TransferRequest): Promise<ITransfer> {
    return this.request<ITransfer>('transfers', {
      method: 'POST',
      body: JSON.stringify(body)
    });
  }

  async listTransfers(): Promise<ITransfer[]> {
    const answer = await this.request<{ transfers: ITransfer[] }>('transfers', {
      method: 'GET'
    });
    return answer.transfers;
  }

  getTransfer(id: string): Promise<ITransfer> {
    return this.request<ITransfer>(
      URLExt.join('transfers', encodeURIComponent(id)),
      { method: 'GET' }
    );
  }

  cancelTransfer(id: string): Promise<ITransfer> {
    return this.request<ITransfer>(
      URLExt.join('transfers', encodeURIComponent(id)),
      { method: 'DELETE' }
    );
  }

  uploadCertificate(
    certificate: string,
    key: CertificateKey
  ): Promise<Record<string, unknown>> {
    return this.request<Record<string, unknown>>('certificate', {
      method: 'POST',
      body: JSON.stringify({ certificate, certificate_key: key })
    });
  }

  /**
   * Stream one file from the browser to `PUT upload` with progress events.
   *
   * `fetch` gives no upload progress, so this uses XMLHttpRequest with the same
   * headers as `ServerConnection.makeRequest` (token and `X-XSRFToken`).
   */
  uploadFile(
    file: Blob,
    path: string,
    options: CtadataClient.IUploadOptions = {}
  ): Promise<IUploadResult> {
    const url = this.url('upload', { path });
    const settings = this.serverSettings;
    return new Promise<IUploadResult>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url, true);
      if (settings.token) {
        xhr.setRequestHeader('Authorization', `token ${settings.token}`);
      }
      const xsrf = Private.getCookie('_xsrf');
      if (xsrf !== undefined) {
        xhr.setRequestHeader('X-XSRFToken', xsrf);
      }
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = event => {
        options.onProgress?.(
          event.loaded,
          event.lengthComputable ? event.total : file.size
        );
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          try {
            resolve(
              Private.parseJson<IUploadResult>(xhr.responseText, xhr.status)
            );
          } catch (error) {
            reject(error);
          }
        } else {
          reject(errorFromResponse(xhr.status, xhr.responseText));
        }
      };
      xhr.onerror = () => {
        reject(
          new CtadataError(
            'The connection to the Jupyter server was lost.',
            'network'
          )
        );
      };
      const cancelled = () =>
        reject(new CtadataError('The upload was cancelled.', 'aborted'));
      xhr.onabort = cancelled;
      if (options.signal) {
        if (options.signal.aborted) {
          cancelled();
          return;
        }
        options.signal.addEventListener('abort', () => xhr.abort());
      }
      xhr.send(file);
    });
  }

  /**
   * Send a request through `ServerConnection` (token, XSRF); failures on the
   * way become a `CtadataError`, answers of any status are returned.
   */
  private async _send(
    endpoint: string,
    init: RequestInit,
    query?: Record<string, string>
  ): Promise<Response> {
    try {
      return await ServerConnection.makeRequest(
        this.url(endpoint, query),
        init,
        this.serverSettings
      );
    } catch (error) {
      throw Private.fetchError(
        error,
        'The Jupyter server could not be reached.'
      );
    }
  }
}

export namespace CtadataClient {
  export interface IOptions {
    serverSettings?: ServerConnection.ISettings;
  }

  export interface IUploadOptions {
    onProgress?: (loaded: number, total: number) => void;
    signal?: AbortSignal;
  }
}

namespace Private {
  /**
   * A successful answer's JSON, or an `invalid_response` error.
   */
  export function parseJson<T>(text: string, status: number): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CtadataError(
        'The server extension gave an answer that is not JSON.',
        'invalid_response',
        status
      );
    }
  }

  /**
   * A failed fetch (or body read) as a `CtadataError`: cancelled, or `network`.
   */
  export function fetchError(error: unknown, message: string): CtadataError {
    if (error instanceof DOMException && error.name === 'AbortError') {
      return new CtadataError('The request was cancelled.', 'aborted');
    }
    return new CtadataError(message, 'network');
  }

  /**
   * The last cookie of that name, as `ServerConnection` picks it.
   */
  export function getCookie(name: string): string | undefined {
    let cookie = '';
    try {
      cookie = document.cookie;
    } catch {
      return undefined;
    }
    const prefix = name + '=';
    let value: string | undefined;
    for (const part of cookie.split(';')) {
      const trimmed = part.trim();
      if (trimmed.startsWith(prefix)) {
        value = trimmed.substring(prefix.length);
      }
    }
    return value;
  }
}
