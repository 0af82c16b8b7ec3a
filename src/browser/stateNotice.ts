/**
 * What the panel says instead of a listing: a pure function of the state of
 * the storage model (configuration, its error, the listing's error).
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IConfig } from '../apiTypes';
import { CtadataError } from '../errors';

/**
 * The buttons a notice offers: list again, or go to the storage root.
 */
export type NoticeAction = 'retry' | 'root';

export interface INotice {
  reason: string;
  /**
   * Nothing else of the panel is of use: hide the listing and its tools.
   */
  blocking: boolean;
  title: string;
  text: string[];
  detail?: string;
  actions: NoticeAction[];
}

/**
 * The part of the model's state a notice depends on.
 */
export interface INoticeState {
  config: IConfig | null;
  configError: CtadataError | null;
  status: string;
  error: CtadataError | null;
}

/**
 * The notice for a state, or null when the listing can be shown.
 */
export function stateNotice(
  state: INoticeState,
  trans: TranslationBundle
): INotice | null {
  const { config, configError } = state;
  if (configError) {
    return configNotice(configError, trans);
  }
  if (!config) {
    return null;
  }
  if (!config.downloadservice) {
    return {
      reason: 'not_configured',
      blocking: true,
      title: trans.__('Not configured'),
      text: [
        trans.__(
          'No download service is configured. Set CTADS_URL in the environment of the Jupyter server (or the ctadata settings of the server extension) and restart it.'
        )
      ],
      actions: ['retry']
    };
  }
  if (!config.token_present) {
    return {
      reason: 'not_authenticated',
      blocking: true,
      title: trans.__('Not authenticated'),
      text: [
        trans.__(
          'The Jupyter server has no token for the CTA data services. Inside the CTA JupyterHub it is set for you: restart your server from the Hub Control Panel (File > Hub Control Panel).'
        ),
        trans.__(
          'Elsewhere, set JUPYTERHUB_API_TOKEN in the environment of the Jupyter server and restart it.'
        )
      ],
      actions: ['retry']
    };
  }
  if (state.status !== 'error' || !state.error) {
    return null;
  }
  return listingNotice(state.error, trans);
}

function configNotice(error: CtadataError, trans: TranslationBundle): INotice {
  if (error.reason === 'extension_unavailable') {
    return {
      reason: error.reason,
      blocking: true,
      title: trans.__('The ctadata server extension is not available'),
      text: [
        trans.__(
          'The Jupyter server did not load the ctadata server extension, so this panel cannot reach the CTA storage.'
        ),
        trans.__(
          'Install ctadata in the Python environment of the Jupyter server (pip install ctadata), then restart the server.'
        )
      ],
      actions: ['retry']
    };
  }
  return {
    reason: error.reason,
    blocking: true,
    title: trans.__('The configuration could not be read'),
    text: [],
    detail: error.message,
    actions: ['retry']
  };
}

function listingNotice(error: CtadataError, trans: TranslationBundle): INotice {
  const notice = (
    title: string,
    actions: NoticeAction[] = ['retry']
  ): INotice => ({
    reason: error.reason,
    blocking: false,
    title,
    text: [],
    detail: error.message,
    actions
  });
  switch (error.reason) {
    case 'not_authenticated':
      return {
        ...notice(trans.__('Not authenticated')),
        blocking: true,
        text: [
          trans.__(
            'The download service refused the token of this Jupyter server; it may have expired. Restart your server from the Hub Control Panel (File > Hub Control Panel), then press Retry.'
          )
        ]
      };
    case 'no_access':
      return {
        ...notice(trans.__('No access to the CTA data services')),
        blocking: true,
        text: [
          trans.__(
            "This Jupyter server's token lacks the download service's scope (access:services!service=downloadservice), which the hub's administrators grant. Ask the CTA-CH data centre team for access, then restart your server from the Hub Control Panel."
          )
        ]
      };
    case 'forbidden':
      return {
        ...notice(trans.__('Access denied'), ['root', 'retry']),
        text: [trans.__('You may not list this folder.')]
      };
    case 'not_found':
      return notice(trans.__('This folder does not exist'), ['root', 'retry']);
    case 'unreachable':
      return notice(trans.__('The download service could not be reached'));
    case 'network':
      return notice(trans.__('The Jupyter server could not be reached'));
    default:
      return notice(trans.__('This folder could not be listed'));
  }
}
