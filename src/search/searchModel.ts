/**
 * A search below a folder (`GET find`): its results as they stream in, its
 * progress, and how it ended. No DOM: the panel renders it.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { CtadataClient } from '../api';
import { asError, CtadataError } from '../errors';
import {
  IFoundEntry,
  ISearchQuery,
  SearchEndReason,
  SearchLine
} from './searchLines';

/**
 * `running`: lines are coming; `ended`: the `end` line came (see `reason`);
 * `stopped`: cancelled here; `failed`: see `error`.
 */
export type SearchStatus = 'idle' | 'running' | 'ended' | 'stopped' | 'failed';

/**
 * A folder below that could not be listed.
 */
export interface ISearchProblem {
  path: string;
  message: string;
}

export type SearchFind = (
  query: ISearchQuery,
  onLine: (line: SearchLine) => void,
  signal: AbortSignal
) => Promise<void>;

export class SearchModel {
  /**
   * `find` is `CtadataClient.find` (a function, so tests can feed lines).
   */
  constructor(find: SearchFind | CtadataClient) {
    this._find = find instanceof CtadataClient ? find.find.bind(find) : find;
  }

  /**
   * Any change: a result, progress, the end.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): SearchStatus {
    return this._status;
  }

  get query(): ISearchQuery | null {
    return this._query;
  }

  get results(): readonly IFoundEntry[] {
    return this._results;
  }

  /**
   * Folders listed so far (from `progress` and `end` lines).
   */
  get listed(): number {
    return this._listed;
  }

  get problems(): readonly ISearchProblem[] {
    return this._problems;
  }

  /**
   * Why the search ended, once the `end` line came.
   */
  get reason(): SearchEndReason | null {
    return this._reason;
  }

  /**
   * The bounds the server applied (from the `end` line).
   */
  get bounds(): { limit: number; timeout: number } | null {
    return this._bounds;
  }

  get error(): CtadataError | null {
    return this._error;
  }

  /**
   * Start a search, stopping the one running. Resolves when it is over.
   */
  async start(query: ISearchQuery): Promise<void> {
    this.stop();
    this._reset(query);
    this._status = 'running';
    const abort = (this._abort = new AbortController());
    this._changed.emit();
    try {
      await this._find(query, line => this.apply(line), abort.signal);
      if (this._abort === abort && this._status === 'running') {
        // The body ended without an `end` line: the server went away.
        this._fail(
          new CtadataError(
            'The search ended before it was complete.',
            'network'
          )
        );
      }
    } catch (error) {
      if (this._abort === abort && this._status === 'running') {
        this._fail(asError(error));
      }
    } finally {
      if (this._abort === abort) {
        this._abort = null;
      }
    }
  }

  /**
   * Take one line of the search.
   */
  apply(line: SearchLine): void {
    if (this._status !== 'running') {
      return;
    }
    switch (line.kind) {
      case 'entry':
        this._results.push({
          folder: line.folder,
          name: line.name,
          path: line.path,
          type: line.type,
          size: line.size,
          mtime: line.mtime
        });
        break;
      case 'progress':
        this._listed = line.listed;
        break;
      case 'error':
        this._problems = [
          ...this._problems,
          { path: line.path, message: line.message }
        ];
        break;
      case 'end':
        this._listed = line.listed;
        this._reason = line.reason;
        this._bounds = { limit: line.limit, timeout: line.timeout };
        this._status = 'ended';
        break;
    }
    this._changed.emit();
  }

  /**
   * Cancel the running search: the connection closes and the server stops.
   */
  stop(): void {
    if (this._status !== 'running') {
      return;
    }
    this._abort?.abort();
    this._abort = null;
    this._status = 'stopped';
    this._changed.emit();
  }

  /**
   * Stop, and forget the results (back to filtering).
   */
  clear(): void {
    this.stop();
    this._reset(null);
    this._status = 'idle';
    this._changed.emit();
  }

  private _fail(error: CtadataError): void {
    this._error = error;
    this._status = 'failed';
    this._changed.emit();
  }

  private _reset(query: ISearchQuery | null): void {
    this._query = query;
    this._results = [];
    this._problems = [];
    this._listed = 0;
    this._reason = null;
    this._bounds = null;
    this._error = null;
  }

  private _find: SearchFind;
  private _status: SearchStatus = 'idle';
  private _query: ISearchQuery | null = null;
  private _results: IFoundEntry[] = [];
  private _problems: ISearchProblem[] = [];
  private _listed = 0;
  private _reason: SearchEndReason | null = null;
  private _bounds: { limit: number; timeout: number } | null = null;
  private _error: CtadataError | null = null;
  private _abort: AbortController | null = null;
  private _changed = new Signal<this, void>(this);
}

/**
 * What the panel says about a search: one sentence, and whether it is bad news.
 */
export interface ISearchSummary {
  text: string;
  level: 'info' | 'warning' | 'error';
  /** The folders that could not be listed, one a line (a tooltip). */
  detail: string;
}

const count = (value: number) => value.toLocaleString('en-US');

export function searchSummary(
  search: SearchModel,
  trans: TranslationBundle
): ISearchSummary | null {
  const query = search.query;
  if (search.status === 'idle' || !query) {
    return null;
  }
  const found = search.results.length;
  const where = query.path || trans.__('the storage root');
  let text = '';
  let level: ISearchSummary['level'] = 'info';
  if (search.status === 'running') {
    text = trans._n(
      'Searching %2 below %3… %1 match so far',
      'Searching %2 below %3… %1 matches so far',
      found,
      query.name ?? '*',
      where
    );
  } else if (search.status === 'failed') {
    level = 'error';
    text = trans.__('The search failed: %1', search.error?.message ?? '');
  } else if (search.status === 'stopped') {
    text = trans._n(
      'Stopped: showing the %1 match found so far.',
      'Stopped: showing the %1 matches found so far.',
      found
    );
  } else if (search.reason === 'limit') {
    level = 'warning';
    text = trans.__(
      'Showing the first %1 matches: there may be more. Narrow the pattern or search a folder further down.',
      count(found)
    );
  } else if (search.reason === 'timeout') {
    level = 'warning';
    text = trans.__(
      'The search stopped after %1 s: showing the %2 matches found by then.',
      count(search.bounds?.timeout ?? 0),
      count(found)
    );
  } else if (search.reason === 'failed') {
    level = 'error';
    text = trans.__(
      'The search failed after %1 matches: %2',
      count(found),
      search.problems[search.problems.length - 1]?.message ?? ''
    );
  } else if (found === 0) {
    text = trans.__('No match for %1 below %2.', query.name ?? '*', where);
  } else {
    text = trans._n('%1 match below %2.', '%1 matches below %2.', found, where);
  }
  const problems = search.problems;
  if (problems.length && search.reason !== 'failed') {
    level = level === 'info' ? 'warning' : level;
    text +=
      ' ' +
      trans._n(
        '%1 folder could not be listed.',
        '%1 folders could not be listed.',
        problems.length
      );
  }
  const detail = problems.map(p => `${p.path}: ${p.message}`).join('\n');
  return { text, level, detail };
}
