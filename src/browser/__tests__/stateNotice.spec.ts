import { nullTranslator } from '@jupyterlab/translation';

import { IConfig } from '../../apiTypes';
import { CtadataError, ErrorReason } from '../../errors';
import { INoticeState, stateNotice } from '../stateNotice';

const trans = nullTranslator.load('ctadata_lab');

const config: IConfig = {
  downloadservice: 'https://ds.example',
  certificateservice: null,
  token_present: true,
  user: 'alice',
  upload_folder: 'lst/users/alice/',
  version: '0.7.0'
};

function state(changes: Partial<INoticeState>): INoticeState {
  return {
    config,
    configError: null,
    status: 'ready',
    error: null,
    ...changes
  };
}

const listingError = (reason: ErrorReason) =>
  state({ status: 'error', error: new CtadataError(`${reason}!`, reason) });

describe('stateNotice', () => {
  it('says nothing while the configuration loads, or when all is well', () => {
    expect(stateNotice(state({ config: null }), trans)).toBeNull();
    expect(stateNotice(state({}), trans)).toBeNull();
    expect(stateNotice(state({ status: 'loading' }), trans)).toBeNull();
  });

  it('blocks the panel when the server extension is missing', () => {
    const notice = stateNotice(
      state({
        config: null,
        configError: new CtadataError('gone', 'extension_unavailable', 404)
      }),
      trans
    );
    expect(notice).toMatchObject({
      reason: 'extension_unavailable',
      blocking: true,
      actions: ['retry']
    });
    expect(notice?.text.join(' ')).toMatch(/pip install ctadata/);
  });

  it('shows any other configuration error with its message', () => {
    const notice = stateNotice(
      state({ config: null, configError: new CtadataError('boom', 'unknown') }),
      trans
    );
    expect(notice).toMatchObject({
      reason: 'unknown',
      blocking: true,
      detail: 'boom'
    });
  });

  it('says what to set when the service or the token is missing', () => {
    const noService = stateNotice(
      state({ config: { ...config, downloadservice: null } }),
      trans
    );
    expect(noService).toMatchObject({
      reason: 'not_configured',
      blocking: true
    });
    expect(noService?.text.join(' ')).toMatch(/CTADS_URL/);
    const noToken = stateNotice(
      state({ config: { ...config, token_present: false } }),
      trans
    );
    expect(noToken).toMatchObject({
      reason: 'not_authenticated',
      blocking: true
    });
    expect(noToken?.text.join(' ')).toMatch(/JUPYTERHUB_API_TOKEN/);
  });

  it.each([
    ['not_authenticated', true, ['retry']],
    ['forbidden', false, ['root', 'retry']],
    ['no_access', true, ['retry']],
    ['not_found', false, ['root', 'retry']],
    ['unreachable', false, ['retry']],
    ['network', false, ['retry']],
    ['bad_request', false, ['retry']]
  ] as const)(
    'maps a listing error %s to blocking=%s with %j',
    (reason, blocking, actions) => {
      const notice = stateNotice(listingError(reason), trans);
      expect(notice).toMatchObject({
        reason,
        blocking,
        actions,
        detail: `${reason}!`
      });
      expect(notice?.title).toBeTruthy();
    }
  );

  it('gives each listing error its own title', () => {
    const titles = (
      [
        'forbidden',
        'no_access',
        'not_found',
        'unreachable',
        'network',
        'unknown'
      ] as const
    ).map(reason => stateNotice(listingError(reason), trans)?.title);
    expect(new Set(titles).size).toBe(titles.length);
  });
});
