import { nullTranslator } from '@jupyterlab/translation';

import { CtadataError } from '../../errors';
import { ISearchQuery, SearchLine } from '../searchLines';
import { SearchModel, searchSummary } from '../searchModel';

const trans = nullTranslator.load('ctadata_lab');
const query: ISearchQuery = { path: 'lst/', name: '*.h5' };

function entry(path: string): SearchLine {
  const cut = path.lastIndexOf('/') + 1;
  return {
    kind: 'entry',
    folder: path.slice(0, cut),
    name: path.slice(cut),
    path,
    type: 'file',
    size: 1,
    mtime: null
  };
}

function end(
  reason: 'complete' | 'limit' | 'timeout' | 'failed',
  found: number
): SearchLine {
  return {
    kind: 'end',
    reason,
    found,
    listed: 7,
    errors: 0,
    limit: 1000,
    timeout: 60
  };
}

/**
 * A search fed by hand: `send` gives it lines, `finish` ends the body.
 */
function controlled() {
  let send: (line: SearchLine) => void = () => undefined;
  let finish: (error?: Error) => void = () => undefined;
  let signal: AbortSignal | null = null;
  const search = new SearchModel((_query, onLine, abort) => {
    send = onLine;
    signal = abort;
    return new Promise<void>((resolve, reject) => {
      finish = error => (error ? reject(error) : resolve());
      abort.addEventListener('abort', () =>
        reject(new CtadataError('The request was cancelled.', 'aborted'))
      );
    });
  });
  const done = search.start(query);
  return {
    search,
    done,
    send: (line: SearchLine) => send(line),
    finish: (error?: Error) => finish(error),
    signal: () => signal!
  };
}

describe('SearchModel', () => {
  it('collects results as they come, with their folders, until the end', async () => {
    const run = controlled();
    expect(run.search.status).toBe('running');
    run.send(entry('lst/DL1/a/run1.h5'));
    run.send({ kind: 'progress', listed: 3, found: 1 });
    expect(run.search.results.map(r => r.folder)).toEqual(['lst/DL1/a/']);
    expect(run.search.listed).toBe(3);
    expect(searchSummary(run.search, trans)?.text).toBe(
      'Searching *.h5 below lst/… 1 match so far'
    );
    run.send(entry('lst/DL1/b/run1.h5'));
    run.send(end('complete', 2));
    run.finish();
    await run.done;
    expect(run.search.status).toBe('ended');
    expect(run.search.results.map(r => r.path)).toEqual([
      'lst/DL1/a/run1.h5',
      'lst/DL1/b/run1.h5'
    ]);
    expect(searchSummary(run.search, trans)?.text).toBe(
      '2 matches below lst/.'
    );
  });

  it('says when the bound on the count was hit', async () => {
    const run = controlled();
    for (let i = 0; i < 1000; i++) {
      run.send(entry(`lst/f${i}.h5`));
    }
    run.send(end('limit', 1000));
    run.finish();
    await run.done;
    const summary = searchSummary(run.search, trans)!;
    expect(summary.level).toBe('warning');
    expect(summary.text).toMatch(/^Showing the first 1,000 matches/);
  });

  it('says when the time ran out, and which folders could not be listed', async () => {
    const run = controlled();
    run.send({ kind: 'error', path: 'lst/private', message: 'Forbidden' });
    run.send(end('timeout', 0));
    run.finish();
    await run.done;
    const summary = searchSummary(run.search, trans)!;
    expect(summary.text).toBe(
      'The search stopped after 60 s: showing the 0 matches found by then. 1 folder could not be listed.'
    );
    expect(summary.detail).toBe('lst/private: Forbidden');
  });

  it('stops: aborts the request and ignores what still comes', async () => {
    const run = controlled();
    run.send(entry('lst/a.h5'));
    run.search.stop();
    expect(run.signal().aborted).toBe(true);
    await run.done;
    run.send(entry('lst/b.h5'));
    expect(run.search.status).toBe('stopped');
    expect(run.search.results).toHaveLength(1);
    expect(searchSummary(run.search, trans)?.text).toBe(
      'Stopped: showing the 1 match found so far.'
    );
  });

  it('fails clearly when the request fails or the body ends early', async () => {
    const refused = controlled();
    refused.finish(
      new CtadataError('No such folder: lst/x/', 'not_found', 404)
    );
    await refused.done;
    expect(refused.search.status).toBe('failed');
    expect(searchSummary(refused.search, trans)).toEqual({
      text: 'The search failed: No such folder: lst/x/',
      level: 'error',
      detail: ''
    });

    const cut = controlled();
    cut.send(entry('lst/a.h5'));
    cut.finish();
    await cut.done;
    expect(cut.search.status).toBe('failed');
    expect(cut.search.error?.reason).toBe('network');
  });

  it('a new search replaces the running one', async () => {
    const run = controlled();
    run.send(entry('lst/a.h5'));
    const first = run.signal();
    const next = run.search.start({ path: 'lst/DL1/', name: '*.fits' });
    expect(first.aborted).toBe(true);
    expect(run.signal().aborted).toBe(false);
    expect(run.search.status).toBe('running');
    expect(run.search.results).toHaveLength(0);
    run.search.clear();
    await Promise.all([run.done, next]);
    expect(run.search.status).toBe('idle');
    expect(searchSummary(run.search, trans)).toBeNull();
  });
});
