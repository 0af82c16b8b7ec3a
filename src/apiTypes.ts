/**
 * The requests and answers of the `ctadata_lab` REST API (docs/rest-api.md),
 * as the client sends and receives them.
 */

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
  /** The folder it is in: set on search results, which come from many. */
  folder?: string;
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
  /** Once done: "verified (adler32)", "size only", or how many files were which. */
  check?: string | null;
  files_verified?: number;
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
