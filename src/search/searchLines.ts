/**
 * The lines of `GET find` (docs/rest-api.md, "A search"): typed, and cut out
 * of a body that arrives in chunks which split lines anywhere.
 */
import { EntryType, IEntry } from '../apiTypes';

/**
 * A search result: an entry and the folder it is in.
 */
export interface IFoundEntry extends IEntry {
  folder: string;
}

/**
 * The criteria of `GET find` (docs/rest-api.md, "A search"), as query values.
 */
export interface ISearchQuery {
  path: string;
  name?: string;
  ignore_case?: 'true' | 'false';
  type?: EntryType;
  limit?: string;
  timeout?: string;
}

export type SearchEndReason = 'complete' | 'limit' | 'timeout' | 'failed';

export type SearchLine =
  | ({ kind: 'entry' } & IFoundEntry)
  | { kind: 'progress'; listed: number; found: number }
  | { kind: 'error'; path: string; message: string }
  | {
      kind: 'end';
      reason: SearchEndReason;
      found: number;
      listed: number;
      errors: number;
      limit: number;
      timeout: number;
    };

const KINDS: ReadonlySet<string> = new Set([
  'entry',
  'progress',
  'error',
  'end'
]);

/**
 * One line as a `SearchLine`, or null when it is not one (blank, not JSON,
 * an unknown kind): a newer server's extra lines are skipped, not fatal.
 */
export function parseSearchLine(line: string): SearchLine | null {
  if (!line.trim()) {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (
    !value ||
    typeof value !== 'object' ||
    !KINDS.has((value as { kind?: unknown }).kind as string)
  ) {
    return null;
  }
  return value as SearchLine;
}

/**
 * Cuts decoded text, fed chunk by chunk, into whole lines.
 */
export class LineSplitter {
  /**
   * The whole lines completed by `chunk`; the rest waits for the next one.
   */
  push(chunk: string): string[] {
    const lines = (this._rest + chunk).split('\n');
    this._rest = lines.pop() ?? '';
    return lines;
  }

  /**
   * What is left once the body has ended (a last line without a newline).
   */
  flush(): string[] {
    const rest = this._rest;
    this._rest = '';
    return rest ? [rest] : [];
  }

  private _rest = '';
}

/**
 * The name pattern sent for what was typed: a shell pattern as it is, plain
 * text as "a name containing it" (as the filter box matches).
 */
export function searchPattern(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) {
    return '';
  }
  return /[*?[]/.test(trimmed) ? trimmed : `*${trimmed}*`;
}
