/**
 * The state label of a transfer in the transfers list (pure: unit-tested).
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { ITransfer } from '../apiTypes';

/**
 * What a row says of a transfer's state; `percent` is its progress, or null
 * when unknown. A transfer a restarted server took up again says so.
 */
export function transferStateLabel(
  job: ITransfer,
  percent: number | null,
  trans: TranslationBundle
): string {
  const label = stateOnly(job, percent, trans);
  if (!job.resumed) {
    return label;
  }
  return job.state === 'queued'
    ? trans.__('Resumed')
    : trans.__('%1 · resumed', label);
}

function stateOnly(
  job: ITransfer,
  percent: number | null,
  trans: TranslationBundle
): string {
  switch (job.state) {
    case 'queued':
      return trans.__('Queued');
    case 'running':
      return percent === null ? trans.__('Running') : `${percent}%`;
    case 'done':
      return doneLabel(job, trans);
    case 'failed':
      return trans.__('Failed');
    case 'cancelled':
      return trans.__('Cancelled');
    case 'conflict':
      return trans.__('Files differ');
    default:
      return job.state;
  }
}

/**
 * A finished download that kept differing workspace files ("Skip") says so.
 */
function doneLabel(job: ITransfer, trans: TranslationBundle): string {
  const kept = job.conflicts_total ?? job.conflicts?.length ?? 0;
  if (kept && !job.recursive) {
    return trans.__('Skipped: yours kept');
  }
  // How the files were checked ("verified (adler32)", or "size only"), then what was kept.
  const parts = [trans.__('Done')];
  if (job.check) {
    parts.push(job.check);
  }
  if (kept) {
    parts.push(trans._n('%1 kept', '%1 kept', kept));
  }
  return parts.join(' · ');
}
