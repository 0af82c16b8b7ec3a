/**
 * What the toasts say when transfers start and end: pure functions of the
 * requests and jobs.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

import { IDownloadRequest, ITransfer, TransferRequest } from '../apiTypes';
import { IBatchResult } from './browserUploads';
import { baseName, parentDir } from '../paths';

/**
 * The message, type and lifetime of a toast.
 */
export interface IResultNotice {
  message: string;
  type: 'success' | 'info' | 'error';
  autoClose: number | false;
}

/**
 * What the in-progress toast of a transfer the server extension started says.
 */
export function startedMessage(
  request: TransferRequest,
  job: ITransfer,
  trans: TranslationBundle
): string {
  return request.kind === 'download'
    ? trans.__(
        'Downloading %1 to %2',
        baseName(request.path),
        request.to ? request.to + '/' : '/'
      )
    : trans.__(
        'Uploading %1 to %2',
        PathExt.basename(request.from),
        parentDir(job.path)
      );
}

/**
 * Why a download was refused with the reason `busy`: its target overlaps a
 * download that has not ended.
 */
export function busyMessage(
  request: IDownloadRequest,
  trans: TranslationBundle
): string {
  const name = baseName(request.path) || request.path;
  const to = request.to ? request.to + '/' : '/';
  return request.recursive
    ? trans.__(
        'The folder %1 is already being downloaded to %2: wait for that download to end, or cancel it in the transfers list.',
        name,
        to
      )
    : trans.__(
        'The file %1 is already being downloaded to %2: wait for that download to end, or cancel it in the transfers list.',
        name,
        to
      );
}

/**
 * The toast that says how a transfer ended.
 */
export function finishedNotice(
  job: ITransfer,
  trans: TranslationBundle
): IResultNotice {
  const name = baseName(job.path) || job.path;
  const kept = job.conflicts_total ?? job.conflicts?.length ?? 0;
  if (job.state === 'done' && kept) {
    return {
      message: keptMessage(job, name, kept, trans),
      type: 'info',
      autoClose: 8000
    };
  }
  if (job.state === 'done') {
    const message =
      job.kind === 'download'
        ? trans.__(
            'Downloaded %1 to %2',
            name,
            PathExt.dirname(job.local ?? '') + '/'
          )
        : trans.__('Uploaded %1 to %2', name, parentDir(job.path));
    return { message, type: 'success', autoClose: 5000 };
  }
  if (job.state === 'cancelled') {
    return {
      message: trans.__('Transfer of %1 cancelled', name),
      type: 'info',
      autoClose: 5000
    };
  }
  if (job.state === 'conflict') {
    return {
      message: trans.__(
        'Download of %1 waits: workspace files differ from the storage',
        name
      ),
      type: 'info',
      autoClose: 5000
    };
  }
  return {
    message: trans.__('Transfer of %1 failed: %2', name, job.error ?? ''),
    type: 'error',
    autoClose: false
  };
}

/**
 * What a download that kept differing workspace files ("Skip") says.
 */
function keptMessage(
  job: ITransfer,
  name: string,
  kept: number,
  trans: TranslationBundle
): string {
  if (!job.recursive) {
    // Short: toasts cut long messages (the row's tooltip has the path).
    return trans.__(
      'Skipped %1: the workspace copy differs from the storage and was kept',
      name
    );
  }
  return trans._n(
    'Downloaded %2 to %3, except %1 file that differs and was kept',
    'Downloaded %2 to %3, except %1 files that differ and were kept',
    kept,
    name,
    PathExt.dirname(job.local ?? '') + '/'
  );
}

/**
 * The toast that says how a batch of uploads from this computer to `where`
 * ended.
 */
export function batchNotice(
  result: IBatchResult,
  where: string,
  trans: TranslationBundle
): IResultNotice {
  if (result.failed.length) {
    const first = result.failed[0];
    return {
      type: 'error',
      autoClose: false,
      message: trans._n(
        '%1 upload failed (%2: %3)',
        '%1 uploads failed (first: %2: %3)',
        result.failed.length,
        baseName(first.path),
        first.error ?? ''
      )
    };
  }
  if (result.cancelled.length && !result.done.length) {
    return {
      type: 'info',
      autoClose: 5000,
      message: trans.__('Upload to %1 cancelled', where)
    };
  }
  return {
    type: 'success',
    autoClose: 5000,
    message: trans._n(
      'Uploaded %1 file to %2',
      'Uploaded %1 files to %2',
      result.done.length,
      where
    )
  };
}
