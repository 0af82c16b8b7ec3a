/**
 * The fetcher of `@h5web/app`'s H5GroveProvider, through Jupyter's connection.
 *
 * `ServerConnection.makeRequest` adds Jupyter's authentication and the XSRF header,
 * as for every other call of the panel. A request stops when h5web aborts it or when
 * the tab that made it is closed (its `AbortSignal`); an error answer becomes an
 * `Error` with the server's sentence, which h5web shows in place of the view.
 */
import { ServerConnection } from '@jupyterlab/services';
import type { Fetcher } from '@h5web/app';

import { errorFromResponse } from '../errors';

/**
 * One signal that aborts when any of `signals` does.
 */
function either(signals: (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) {
      continue;
    }
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), {
      once: true
    });
  }
  return controller.signal;
}

export function jupyterFetcher(
  settings: ServerConnection.ISettings,
  tab: AbortSignal
): Fetcher {
  return async (url, params, options = {}) => {
    const signal = either([tab, options.abortSignal]);
    const query = new URLSearchParams(params).toString();
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        `${url}?${query}`,
        { signal },
        settings
      );
    } catch (error) {
      // h5web recognizes its own abort reason: give it back unchanged.
      throw signal.aborted ? signal.reason : error;
    }
    const body = await response.arrayBuffer();
    if (!response.ok) {
      throw errorFromResponse(response.status, new TextDecoder().decode(body));
    }
    return body;
  };
}
