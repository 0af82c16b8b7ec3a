/**
 * Browser tests of the CTA Storage panel: Galata's defaults, Debian's chromium,
 * two Jupyter servers (each with its own development service), random ports and
 * tokens. `run.sh` sets the environment; these defaults let `jlpm test` work too.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

function env(name, make) {
  if (!process.env[name]) {
    // Set once in the main process: the workers inherit it.
    process.env[name] = make();
  }
  return process.env[name];
}

const port = env('CTADATA_UI_PORT', () =>
  String(20000 + crypto.randomInt(20000))
);
const noauthPort = env('CTADATA_UI_NOAUTH_PORT', () =>
  String(Number(port) + 1)
);
const token = env('CTADATA_UI_TOKEN', () =>
  crypto.randomBytes(16).toString('hex')
);
// The development service's storage, where the tests look for uploaded files.
env('CTADATA_UI_STORAGE', () =>
  fs.mkdtempSync(path.join(os.tmpdir(), 'ctadata-ui-storage-'))
);

const python = process.env.CTADATA_UI_PYTHON || 'python';

const chromium = require('./chromium.js');

function server(name, serverPort) {
  return {
    // The Python that run.sh found: jlpm may put another one first on the PATH.
    command: `${python} -m jupyterlab --config jupyter_server_test_config.py`,
    url: `http://127.0.0.1:${serverPort}/api/status?token=${token}`,
    timeout: 180 * 1000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ...process.env,
      CTADATA_UI_MODE: name,
      CTADATA_UI_PORT: serverPort,
      CTADATA_UI_TOKEN: token
    }
  };
}

module.exports = {
  ...baseConfig,
  reporter: [
    [process.env.CI ? 'line' : 'list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }]
  ],
  timeout: 120 * 1000,
  expect: { timeout: 20 * 1000 },
  // The tests share one server and one storage: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  use: {
    ...baseConfig.use,
    browserName: 'chromium',
    launchOptions: chromium,
    baseURL: `http://127.0.0.1:${port}`,
    extraHTTPHeaders: { Authorization: `token ${token}` },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Video needs Playwright's own ffmpeg download, which is not available here.
    video: 'off'
  },
  projects: [
    {
      name: 'storage',
      testMatch: [
        'storage.spec.ts',
        'conflict.spec.ts',
        'search.spec.ts',
        'layout.spec.ts'
      ]
    },
    { name: 'preview', testMatch: 'preview.spec.ts' },
    {
      name: 'not-authenticated',
      testMatch: 'noauth.spec.ts',
      use: { baseURL: `http://127.0.0.1:${noauthPort}` }
    }
  ],
  webServer: [server('storage', port), server('not-authenticated', noauthPort)]
};
