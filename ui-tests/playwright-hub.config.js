/**
 * The two-user browser test: a real JupyterHub (started by the test itself,
 * tests/hub.spec.ts), its proxy, the development services as hub services,
 * and one browser context per user, on Debian's chromium. `run.sh --hub`.
 */
const chromium = require('./chromium.js');

module.exports = {
  testDir: './tests',
  testMatch: 'hub.spec.ts',
  reporter: [
    [process.env.CI ? 'line' : 'list'],
    ['html', { open: 'never', outputFolder: 'playwright-report-hub' }]
  ],
  // Spawning JupyterLab servers through the hub takes its time on a loaded machine.
  timeout: 600 * 1000,
  expect: { timeout: 60 * 1000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  use: {
    browserName: 'chromium',
    launchOptions: chromium,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off'
  }
};
