/**
 * Debian's chromium, as every browser test here starts it: Playwright's own
 * browser download is not available, and without the background-networking
 * flags chromium keeps trying hosts that a closed network refuses.
 */
module.exports = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync'
  ]
};
