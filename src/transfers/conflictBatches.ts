/**
 * Which downloads were started together, so that the answer to one of their
 * conflicts, ticked "for all", answers the others: pure logic, no widgets.
 *
 * A download that finds differing workspace files ends in the state
 * `conflict`; the question comes then, one at a time, with the "for all"
 * box when the download was one of several entries started at once.
 */
import { OnConflict } from '../apiTypes';

/**
 * What to do with a download's conflicting files: "overwrite", "skip" (keep
 * them, download the rest), or null (nothing).
 */
export type ConflictChoice = OnConflict | null;

/**
 * The user's answer to one conflict; `forAll` if it answers the batch's
 * other conflicts too.
 */
export interface IBatchAnswer {
  choice: ConflictChoice;
  forAll: boolean;
}

/**
 * Ask about one conflict; `offerForAll` when it is one of several entries
 * started together.
 */
export type ConflictQuestion = (offerForAll: boolean) => Promise<IBatchAnswer>;

/**
 * The jobs of one batch, as they are started.
 */
export interface IBatch {
  /**
   * A job of the batch was started.
   */
  add(jobId: string): void;
  /**
   * Every entry of the batch was tried: its conflicts may be decided.
   */
  end(): void;
}

interface IBatchState {
  /** How many entries the user asked for at once. */
  size: number;
  /** The answer ticked "for all", once there is one. */
  forAll?: ConflictChoice;
}

export class ConflictBatches {
  /**
   * Begin a batch of `size` entries started together.
   */
  begin(size: number): IBatch {
    const state: IBatchState = { size };
    let ended: () => void = () => undefined;
    const starting = new Promise<void>(resolve => (ended = resolve));
    this._starting.add(starting);
    return {
      add: jobId => {
        this._batches.set(jobId, state);
      },
      end: () => {
        this._starting.delete(starting);
        ended();
      }
    };
  }

  /**
   * What to do with a job that ended in `conflict`. Decided after the
   * batches being started are known, one question at a time: a batch's
   * answer ticked "for all" is taken without asking again.
   */
  decide(jobId: string, ask: ConflictQuestion): Promise<ConflictChoice> {
    const decided = this._queue.then(async () => {
      await Promise.all([...this._starting]);
      const batch = this._batches.get(jobId);
      this._batches.delete(jobId);
      if (batch?.forAll !== undefined) {
        return batch.forAll;
      }
      const several = (batch?.size ?? 1) > 1;
      const answer = await ask(several);
      if (batch && several && answer.forAll) {
        batch.forAll = answer.choice;
      }
      return answer.choice;
    });
    // A failed question does not block the next ones.
    this._queue = decided.then(
      () => undefined,
      () => undefined
    );
    return decided;
  }

  /**
   * A job ended without a conflict: it is no longer waited for.
   */
  forget(jobId: string): void {
    this._batches.delete(jobId);
  }

  private _batches = new Map<string, IBatchState>();
  private _starting = new Set<Promise<void>>();
  private _queue: Promise<void> = Promise.resolve();
}
