/**
 * A typed client of the `ctadata_lab` REST API (see docs/rest-api.md).
 *
 * Every call goes through `ServerConnection.makeRequest`, which adds Jupyter's
 * authentication and the XSRF header. Every failure becomes a `CtadataError`
 * that carries the `reason` code of the server and a sentence for a person.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { CtadataError, errorFromResponse } from './errors';

/**
 * `GET config`.
 */
export interface IConfig {
  downloadservice: string | null;
  certificateservice: string | null;
  token_present: boolean;
  user: string | null;
  upload_folder: string | null;
  version: string;
}

export type EntryType = 'file' | 'directory';

/**
 * One entry of a remote directory.
 */
export interface IEntry {
  name: string;
  path: string;
  type: EntryType;
  size: number | null;
  mtime: string | null;
}

/**
 * `GET list`.
 */
export interface IListing {
  path: string;
  entries: IEntry[];
}

export type TransferKind = 'download' | 'upload' | 'browser-upload';
export type TransferState =
  'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'conflict';

/**
 * What a download does with workspace files that differ from the storage's.
 */
export type OnConflict = 'ask' | 'skip' | 'overwrite';

/**
 * A transfer job of the server extension.
 */
export interface ITransfer {
  id: string;
  kind: TransferKind;
  path: string;
  local: string | null;
  recursive: boolean;
  state: TransferState;
  bytes_done: number;
  bytes_total: number | null;
  rate: number | null;
  files_done: number;
  files_total: number | null;
  error: string | null;
  /** Taken up again by a restarted server (a download continues where it stopped). */
  resumed?: boolean;
  created: string;
  finished: string | null;
  /** Workspace files that differ from the storage's (downloads; at most 200 listed). */
  conflicts?: string[];
  conflicts_total?: number;
}

export interface IDownloadRequest {
  kind: 'download';
  path: string;
  to: string;
  recursive: boolean;
  overwrite: boolean;
  on_conflict?: OnConflict;
}

export interface IUploadRequest {
  kind: 'upload';
  from: string;
  path: string;
  recursive: boolean;
}

export type TransferRequest = IDownloadRequest | IUploadRequest;

/**
 * The answer of `PUT upload`.
 */
export interface IUploadResult {
  status: string;
  path: string;
  total_written: number;
}

export type CertificateKey = 'cta' | 'lst' | 'arc';

/**
 * True when a transfer has ended, one way or another.
 */
export function isFinished(transfer: ITransfer): boolean {
  return (
    transfer.state === 'done' ||
    transfer.state === 'failed' ||
    transfer.state === 'cancelled' ||
    transfer.state === 'conflict'
  );
}

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
    const url = this.url(endpoint, query);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        init,
        this.serverSettings
      );
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        throw new CtadataError('The request was cancelled.', 'aborted');
      }
      throw new CtadataError(
        'The Jupyter server could not be reached.',
        'network'
      );
    }
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
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      throw new CtadataError(
        'The server extension gave an answer that is not JSON.',
        'invalid_response',
        response.status
      );
    }
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
            resolve(JSON.parse(xhr.responseText) as IUploadResult);
          } catch {
            reject(
              new CtadataError(
                'The server extension gave an answer that is not JSON.',
                'invalid_response',
                xhr.status
              )
            );
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
      xhr.onabort = () => {
        reject(new CtadataError('The upload was cancelled.', 'aborted'));
      };
      if (options.signal) {
        if (options.signal.aborted) {
          reject(new CtadataError('The upload was cancelled.', 'aborted'));
          return;
        }
        options.signal.addEventListener('abort', () => xhr.abort());
      }
      xhr.send(file);
    });
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
