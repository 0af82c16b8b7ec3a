/**
 * A real JupyterHub for the two-user test: started and stopped by the test
 * (`python -m ctadata.devservice.hub`), its REST API with the launcher's admin
 * token, and a user's JupyterLab reached through the hub's proxy.
 */
import { Browser, expect, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';

export const PANEL = '#ctadata-storage';

export interface IHub {
  url: string; // ends with /
  dir: string; // homes are in <dir>/home/<user>
  storageDir: string;
  adminToken: string;
  process: ChildProcess;
}

/**
 * Start the hub and wait for the JSON line it prints once it answers.
 */
export async function startHub(options: string[] = []): Promise<IHub> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctadata-ui-hub-'));
  const python = process.env.CTADATA_UI_PYTHON || 'python';
  const child = spawn(
    python,
    ['-m', 'ctadata.devservice.hub', '--dir', dir, '--no-large-file', '--ready-json', ...options],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', code => reject(new Error(`the hub exited (${code}); logs in ${dir}`)));
  });
  const info = JSON.parse(line);
  return {
    url: info.url,
    dir,
    storageDir: info.storage_dir,
    adminToken: info.admin_token,
    process: child
  };
}

/**
 * SIGTERM: the hub stops every user's server, its proxy and the services.
 * Its logs are kept in ui-tests/hub-logs/; its folder (homes, storage) goes.
 */
export async function stopHub(hub: IHub | undefined): Promise<void> {
  if (!hub) {
    return;
  }
  if (hub.process.exitCode === null) {
    const exited = new Promise(resolve => hub.process.once('exit', resolve));
    hub.process.kill('SIGTERM');
    await exited;
  }
  const logs = path.join(__dirname, '..', 'hub-logs');
  fs.mkdirSync(logs, { recursive: true });
  for (const name of ['jupyterhub.log', 'services.log']) {
    if (fs.existsSync(path.join(hub.dir, name))) {
      fs.copyFileSync(path.join(hub.dir, name), path.join(logs, name));
    }
  }
  fs.rmSync(hub.dir, { recursive: true, force: true });
}

/**
 * A call of the hub's REST API as its admin (the launcher's service token).
 */
export async function hubApi(
  hub: IHub,
  method: string,
  apiPath: string
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${hub.url}hub/api/${apiPath}`, {
    method,
    headers: { Authorization: `token ${hub.adminToken}` }
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * Wait until the user's default server is running (`ready`) or gone (`stopped`).
 */
export async function waitForServer(
  hub: IHub,
  user: string,
  state: 'ready' | 'stopped'
): Promise<void> {
  await expect
    .poll(
      async () => {
        const server = (await hubApi(hub, 'GET', `users/${user}`)).body.servers?.[''];
        return server ? (server.ready ? 'ready' : 'pending') : 'stopped';
      },
      { timeout: 180 * 1000, intervals: [500] }
    )
    .toBe(state);
}

/**
 * A browser context of its own for `user`: log in on the hub's page (any
 * password), let the hub start the server, and wait for JupyterLab.
 */
export async function logIn(browser: Browser, hub: IHub, user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${hub.url}hub/login`);
  await page.locator('#username_input').fill(user);
  await page.locator('#password_input').fill('any password');
  await page.locator('#login_submit').click();
  await page.waitForURL(`**/user/${user}/lab**`, { timeout: 180 * 1000 });
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({ timeout: 120 * 1000 });
  return page;
}

/**
 * The user's JupyterLab at its proxy URL, e.g. after a restart of the server.
 */
export async function openLab(page: Page, hub: IHub, user: string): Promise<void> {
  await page.goto(`${hub.url}user/${user}/lab`);
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible({ timeout: 120 * 1000 });
}

/**
 * Show the panel (JupyterLab may have restored it open: a click would close it).
 */
export async function openPanel(page: Page): Promise<void> {
  const tab = page.locator('.jp-SideBar .lm-TabBar-tab[data-id="ctadata-storage"]');
  await expect(tab).toBeVisible();
  if (!(await page.locator(PANEL).isVisible())) {
    await tab.click();
  }
  await expect(page.locator(PANEL)).toBeVisible();
}

export function entry(page: Page, remotePath: string) {
  return page.locator(`${PANEL} .jp-CtadataListing-item[data-path="${remotePath}"]`);
}

export function transfer(page: Page, name: string) {
  return page.locator(`${PANEL} .jp-CtadataTransfer`, {
    has: page.locator(`.jp-CtadataTransfer-name:text-is("${name}")`)
  });
}

/**
 * Show a storage folder by double-clicking down from the root.
 */
export async function browseTo(page: Page, folder: string): Promise<void> {
  const parts = folder.split('/').filter(Boolean);
  let at = '';
  for (const part of parts) {
    at += `${part}/`;
    await entry(page, at).dblclick();
    await expect(
      page.locator(`${PANEL} .jp-CtadataBreadcrumbs-item.jp-mod-current`)
    ).toHaveText(part);
  }
}

/**
 * Drag files from "the computer" over the listing; returns the drop overlay's
 * text, then drops them.
 */
export async function dropFiles(
  page: Page,
  files: Record<string, string>
): Promise<string> {
  const dataTransfer = await page.evaluateHandle(files => {
    const transfer = new DataTransfer();
    for (const [name, text] of Object.entries(files)) {
      transfer.items.add(new File([text], name, { type: 'text/plain' }));
    }
    return transfer;
  }, files);
  const list = page.locator(`${PANEL} .jp-CtadataListing-content`);
  await list.dispatchEvent('dragenter', { dataTransfer });
  await list.dispatchEvent('dragover', { dataTransfer });
  const overlay = page.locator(`${PANEL} .jp-CtadataDropOverlay`);
  await expect(overlay).toBeVisible();
  const said = (await overlay.textContent()) ?? '';
  await list.dispatchEvent('drop', { dataTransfer });
  return said;
}

/**
 * The transfers of the user's server (its ctadata REST API, with the page's
 * hub cookies).
 */
export async function serverTransfers(page: Page, hub: IHub, user: string): Promise<any[]> {
  const response = await page.request.get(`${hub.url}user/${user}/ctadata/transfers`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).transfers;
}
