/**
 * Transfer jobs for the unit tests (a helper module, not a test file: Jest
 * runs `*.spec.ts` only).
 */
import { ITransfer } from '../../apiTypes';

/**
 * A download of `lst/DL1/run.h5` into `data/lst/` that is done, with `changes`.
 */
export function job(changes: Partial<ITransfer>): ITransfer {
  return {
    id: 'j1',
    kind: 'download',
    path: 'lst/DL1/run.h5',
    local: 'data/lst/run.h5',
    recursive: false,
    state: 'done',
    bytes_done: 10,
    bytes_total: 10,
    rate: null,
    files_done: 1,
    files_total: 1,
    error: null,
    created: '2026-01-01T00:00:00Z',
    finished: '2026-01-01T00:00:01Z',
    ...changes
  };
}
