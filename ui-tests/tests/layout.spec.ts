/**
 * What a user sees when JupyterLab opens: the demo's first layout (the CTA
 * Storage panel shown), and the transfers list after a page reload.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  entry,
  execute,
  goTo,
  openPanel,
  PANEL,
  toolbarButton,
  transfer
} from './helpers';

const TRANSFERS = `${PANEL} .jp-CtadataTransfers`;

/**
 * Which sections of the CTA Storage panel the saved layout has open: what a
 * reload restores (null before the layout was first saved).
 */
async function savedSections(
  page: IJupyterLabPageFixture
): Promise<boolean[] | null> {
  return page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const config = document.getElementById('jupyter-config-data');
    const id = JSON.parse(config?.textContent ?? '{}').workspace ?? 'default';
    const saved = await app.serviceManager.workspaces.fetch(id);
    const left = saved.data['layout-restorer:data']?.left;
    return left?.widgetStates?.['ctadata-storage']?.expansionStates ?? null;
  });
}

/**
 * The height of the transfers list (what is below its header), in px.
 */
async function listHeight(page: IJupyterLabPageFixture): Promise<number> {
  const box = await page.locator(TRANSFERS).boundingBox();
  return box?.height ?? 0;
}

test('the transfers list stays visible after a reload', async ({ page }) => {
  const folder = 'lst/monitoring/20241115/Run16011/';
  const name = 'subrun_0002.json';
  await openPanel(page);
  await goTo(page, folder);
  await entry(page, folder + name).click();
  await toolbarButton(page, 'ctadata:download').click();
  await expect(transfer(page, name).first()).toHaveAttribute('data-state', 'done');
  expect(await listHeight(page)).toBeGreaterThan(80);
  // JupyterLab saves the layout a moment (750 ms) after it changes: reload once it has.
  await expect.poll(() => savedSections(page)).toEqual([true, true]);

  // Loaded again as a user reloads /lab (Galata's /lab/tree/... would show the file browser).
  await page.goto();
  await openPanel(page);
  await expect(transfer(page, name).first()).toBeVisible();
  await expect.poll(() => listHeight(page)).toBeGreaterThan(80);

  // Squeezed to nothing by hand: the command brings it back.
  await page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.widgets('left');
    for (const widget of panel) {
      if (widget.id === 'ctadata-storage') {
        widget.content.setRelativeSizes([1, 0]);
      }
    }
  });
  await expect.poll(() => listHeight(page)).toBeLessThan(10);
  await execute(page, 'ctadata:show-transfers');
  await expect.poll(() => listHeight(page)).toBeGreaterThan(80);
});

test.describe('The demo', () => {
  // The layout the demo (scripts/run.sh) starts JupyterLab with (none: a fresh one).
  const file = path.join(__dirname, '..', '..', 'scripts', 'demo-workspace.json');
  // The URL the demo prints (/lab), not Galata's /lab/tree/<folder>, which shows the file browser.
  test.use({
    autoGoto: false,
    mockState: fs.existsSync(file)
      ? JSON.parse(fs.readFileSync(file, 'utf-8')).data
      : true
  });

  test('opens with the CTA Storage panel shown', async ({ page }) => {
    await page.goto();
    await expect(page.locator(PANEL)).toBeVisible();
    await expect(entry(page, 'lst/')).toBeVisible();
    // The sample data has a FITS event list to preview.
    await goTo(page, 'cta/DL3/LST-1/');
    await expect(entry(page, 'cta/DL3/LST-1/dl3_LST-1.Run16000.fits')).toBeVisible();
  });
});
