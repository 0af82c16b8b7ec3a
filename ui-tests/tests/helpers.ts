/**
 * What the CTA Storage tests share: opening the panel, finding entries,
 * running commands, screenshots saved as test artefacts.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { Locator, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

export const PANEL = '#ctadata-storage';

/**
 * The development service's storage folder of the "storage" server.
 */
export const STORAGE = path.join(process.env.CTADATA_UI_STORAGE ?? '', 'storage');

/**
 * The user folder of the service's demo user ("CTA Demo" -> cta_demo).
 */
export const USER_FOLDER = 'lst/users/cta_demo/';

const SHOTS = path.join(__dirname, '..', 'screenshots');

/**
 * Save a screenshot under ui-tests/screenshots/ and attach it to the report.
 */
export async function shot(
  page: IJupyterLabPageFixture,
  name: string,
  testInfo: TestInfo
): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/**
 * Show the panel and wait for its first listing.
 */
export async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.sidebar.openTab('ctadata-storage');
  await expect(page.locator(PANEL)).toBeVisible();
}

export function entry(page: IJupyterLabPageFixture, remotePath: string): Locator {
  return page.locator(
    `${PANEL} .jp-CtadataListing-item[data-path="${remotePath}"]`
  );
}

export function entries(page: IJupyterLabPageFixture): Locator {
  return page.locator(`${PANEL} .jp-CtadataListing-item`);
}

export function crumb(page: IJupyterLabPageFixture, remotePath: string): Locator {
  return page.locator(
    `${PANEL} .jp-CtadataBreadcrumbs-item[data-path="${remotePath}"]`
  );
}

export function toolbarButton(
  page: IJupyterLabPageFixture,
  command: string
): Locator {
  return page.locator(
    `${PANEL} .jp-SidePanel-toolbar [data-command="${command}"]`
  );
}

export function transfer(page: IJupyterLabPageFixture, name: string): Locator {
  return page.locator(`${PANEL} .jp-CtadataTransfer`, {
    has: page.locator(`.jp-CtadataTransfer-name:text-is("${name}")`)
  });
}

/**
 * The number of entries of the listing (only those in view exist in the DOM).
 */
export function rowCount(page: IJupyterLabPageFixture): Locator {
  return page.locator(`${PANEL} .jp-CtadataListing-content`);
}

/**
 * An item of the open context menu, by its exact label.
 */
export function menuItem(page: IJupyterLabPageFixture, label: string): Locator {
  return page.locator(
    `.lm-Menu-item:has(.lm-Menu-itemLabel:text-is("${label}"))`
  );
}

export async function execute(
  page: IJupyterLabPageFixture,
  command: string,
  args: Record<string, unknown> = {}
): Promise<void> {
  await page.evaluate(
    ({ command, args }) => {
      // Not awaited: some commands open dialogs and resolve when they close.
      void (window as any).jupyterapp.commands.execute(command, args);
    },
    { command, args }
  );
}

/**
 * Show a storage folder (through the command, as the palette would).
 */
export async function goTo(
  page: IJupyterLabPageFixture,
  remotePath: string
): Promise<void> {
  await execute(page, 'ctadata:go-to', { path: remotePath });
  await expect(
    page.locator(`${PANEL} .jp-CtadataListing:not(.jp-mod-loading)`)
  ).toBeVisible();
  const parts = remotePath.split('/').filter(Boolean);
  if (parts.length) {
    await expect(
      page.locator(`${PANEL} .jp-CtadataBreadcrumbs-item.jp-mod-current`)
    ).toHaveText(parts[parts.length - 1]);
  }
}

/**
 * The size of a workspace file, through the Jupyter contents API.
 */
export async function workspaceSize(
  page: IJupyterLabPageFixture,
  localPath: string
): Promise<number | null> {
  const response = await page.request.get(
    `/api/contents/${localPath.split('/').map(encodeURIComponent).join('/')}?content=0`
  );
  if (!response.ok()) {
    return null;
  }
  return (await response.json()).size ?? null;
}

/**
 * The names in a workspace folder, through the Jupyter contents API.
 */
export async function workspaceNames(
  page: IJupyterLabPageFixture,
  localDir: string
): Promise<string[]> {
  const response = await page.request.get(
    `/api/contents/${localDir.split('/').map(encodeURIComponent).join('/')}?content=1`
  );
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  return (body.content as Array<{ name: string }>).map(item => item.name);
}
