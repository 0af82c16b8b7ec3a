/**
 * Two users side by side on a real JupyterHub, each in a browser context of
 * their own, through the proxy URL /user/<name>/lab: the services check every
 * token with the hub; what alice uploads bob sees but cannot write over; a
 * user whose token lacks the services' scope is told so; a server restarted
 * by the hub resumes its unfinished download.
 */
import { expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  browseTo,
  dropFiles,
  entry,
  hubApi,
  IHub,
  logIn,
  openLab,
  openPanel,
  PANEL,
  serverTransfers,
  startHub,
  stopHub,
  transfer,
  waitForServer
} from './hub';

const SHOTS = path.join(__dirname, '..', 'screenshots');
const SCOPE_REFUSED = 'Access denied, token scopes are insufficient.';
const MiB = 1024 ** 2;
const BIG = 'lst/huge/big.bin';
const BIG_SIZE = 256 * MiB;
// The storage sends each download at 8 MiB/s: BIG takes 32 s, and a server takes up to
// 11 s to stop (the hub's SIGINT, 10 s, then SIGTERM).
const THROTTLE = 8 * MiB;

async function shot(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test.describe.serial('a JupyterHub with two users', () => {
  let hub: IHub;
  let alice: Page;
  const dropped = `from-alice-${Date.now()}.txt`;

  test.beforeAll(async () => {
    test.setTimeout(240 * 1000);
    hub = await startHub(['--throttle', String(THROTTLE)]);
  });

  test.afterAll(async () => {
    await stopHub(hub);
  });

  test('alice uploads into lst/users/alice/ and downloads to her workspace', async ({
    browser
  }, testInfo) => {
    alice = await logIn(browser, hub, 'alice');
    await openPanel(alice);
    await expect(entry(alice, 'lst/')).toBeVisible();
    await expect(entry(alice, 'cta/')).toBeVisible();

    const said = await dropFiles(alice, { [dropped]: 'alice was here\n' });
    expect(said).toContain('lst/users/alice/');
    await expect(transfer(alice, dropped)).toHaveAttribute('data-state', 'done');
    const stored = path.join(hub.storageDir, 'lst', 'users', 'alice', dropped);
    expect(fs.readFileSync(stored, 'utf-8')).toBe('alice was here\n');

    await browseTo(alice, 'cta/DL3/Prod5b/');
    await entry(alice, 'cta/DL3/Prod5b/README.txt').click();
    await alice.locator(`${PANEL} [data-command="ctadata:download"]`).click();
    await expect(transfer(alice, 'README.txt')).toHaveAttribute('data-state', 'done');
    const local = path.join(hub.dir, 'home', 'alice', 'README.txt');
    expect(fs.readFileSync(local)).toEqual(
      fs.readFileSync(path.join(hub.storageDir, 'cta', 'DL3', 'Prod5b', 'README.txt'))
    );
    await shot(alice, 'hub-alice', testInfo);
  });

  test("bob sees alice's file, and his drop does not go into her folder", async ({
    browser
  }, testInfo) => {
    const bob = await logIn(browser, hub, 'bob');
    await openPanel(bob);
    await browseTo(bob, 'lst/users/alice/');
    await expect(entry(bob, `lst/users/alice/${dropped}`)).toBeVisible();

    const alices = path.join(hub.storageDir, 'lst', 'users', 'alice');
    const before = fs.readdirSync(alices).sort();
    const said = await dropFiles(bob, { 'from-bob.txt': 'bob\n' });
    // The panel says where a drop goes: bob's own folder, never the one shown.
    expect(said).toContain('lst/users/bob/');
    expect(said).not.toContain('lst/users/alice/');
    await expect(transfer(bob, 'from-bob.txt')).toHaveAttribute('data-state', 'done');
    expect(fs.readdirSync(alices).sort()).toEqual(before);
    expect(
      fs.readFileSync(path.join(hub.storageDir, 'lst', 'users', 'bob', 'from-bob.txt'), 'utf-8')
    ).toBe('bob\n');

    // Asked for by name, her folder is refused with a message, nothing written.
    fs.writeFileSync(path.join(hub.dir, 'home', 'bob', 'to-alice.txt'), 'bob\n');
    const refused = await bob.request.post(`${hub.url}user/bob/ctadata/transfers`, {
      headers: { 'X-XSRFToken': await xsrf(bob) },
      data: { kind: 'upload', from: 'to-alice.txt', path: '../alice/to-alice.txt' }
    });
    expect(refused.status()).toBeGreaterThanOrEqual(400);
    expect(refused.status()).toBeLessThan(500);
    expect((await refused.json()).message).toBeTruthy();
    expect(fs.readdirSync(alices).sort()).toEqual(before);
    await shot(bob, 'hub-bob', testInfo);
    await bob.context().close();
  });

  test('a user whose token lacks the scope is told so in the panel', async ({
    browser
  }, testInfo) => {
    const carol = await logIn(browser, hub, 'carol');
    await openPanel(carol);
    const notice = carol.locator(`${PANEL} .jp-CtadataNotice`);
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('No access to the CTA data services');
    await expect(notice).toContainText(SCOPE_REFUSED);
    await expect(carol.locator(`${PANEL} .jp-CtadataListing-item`)).toHaveCount(0);
    await shot(carol, 'hub-carol-no-scope', testInfo);
    await carol.context().close();
  });

  test('a server stopped and started by the hub resumes its download', async ({
    browser
  }, testInfo) => {
    // Sparse: no disk in the storage.
    const big = path.join(hub.storageDir, BIG);
    fs.mkdirSync(path.dirname(big), { recursive: true });
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, BIG_SIZE);

    alice = alice ?? (await logIn(browser, hub, 'alice'));
    await openLab(alice, hub, 'alice');
    await openPanel(alice);
    await browseTo(alice, 'lst/huge/');
    await entry(alice, BIG).click();
    await alice.locator(`${PANEL} [data-command="ctadata:download"]`).click();
    await expect
      .poll(async () => {
        const job = (await serverTransfers(alice, hub, 'alice')).find(j => j.path === BIG);
        return job?.state === 'running' && job.bytes_done > 0;
      })
      .toBe(true);
    const before = (await serverTransfers(alice, hub, 'alice')).find(j => j.path === BIG);

    expect((await hubApi(hub, 'DELETE', 'users/alice/server')).status).toBeLessThan(300);
    await waitForServer(hub, 'alice', 'stopped');
    const home = path.join(hub.dir, 'home', 'alice');
    expect(fs.existsSync(path.join(home, 'big.bin'))).toBe(false);
    expect(fs.readdirSync(home).some(name => name.endsWith('.ctadata-part'))).toBe(true);

    expect((await hubApi(hub, 'POST', 'users/alice/server')).status).toBeLessThan(300);
    await waitForServer(hub, 'alice', 'ready');
    await openLab(alice, hub, 'alice');
    await openPanel(alice);
    const row = transfer(alice, 'big.bin');
    await expect(row).toHaveAttribute('data-resumed', 'true');
    await shot(alice, 'hub-resumed', testInfo);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 300 * 1000 });
    const after = (await serverTransfers(alice, hub, 'alice')).find(j => j.path === BIG);
    expect(after.id).toBe(before.id);
    expect(after.resumed).toBe(true);
    expect(fs.statSync(path.join(home, 'big.bin')).size).toBe(BIG_SIZE);
  });
});

/**
 * The page's XSRF token (JupyterLab's cookie), for a POST of the test itself.
 */
async function xsrf(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  return cookies.find(c => c.name === '_xsrf')?.value ?? '';
}
