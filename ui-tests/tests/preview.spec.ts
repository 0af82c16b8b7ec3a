/**
 * The preview of remote files: the sample DL1 file in h5web (tree, a table, a
 * plot) in the light and dark themes, and "Open in New Notebook" run in a kernel.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { entry, goTo, menuItem, openPanel, shot } from './helpers';

// Galata's own wait gives JupyterLab 15 s to show its launcher: not enough on a busy
// machine. The same wait, with the time the tests allow for any other step.
test.use({
  waitForApplication: async ({}, use) => {
    await use(async (page, helpers) => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await helpers.waitForCondition(
        () => helpers.activity.isTabActive('Launcher'),
        60_000
      );
      await helpers.activity.activateTab('Launcher');
    });
  }
});

const DL1 = 'lst/DL1/20241114/v0.1/tailcut84/';
const DL1_FILE = 'dl1_LST-1.Run16000.0000.h5';
const TAB = '.jp-CtadataH5Preview';

async function openPreview(page: IJupyterLabPageFixture): Promise<void> {
  await openPanel(page);
  await goTo(page, DL1);
  await entry(page, DL1 + DL1_FILE).dblclick();
  await expect(page.locator(TAB)).toBeVisible();
}

/**
 * Click the tree's entries down to `names`' last one.
 */
async function expand(page: IJupyterLabPageFixture, names: string[]) {
  for (const name of names) {
    await page
      .locator(`${TAB} [role="treeitem"]`, { hasText: new RegExp(`^${name}$`) })
      .first()
      .click();
  }
}

for (const theme of ['JupyterLab Light', 'JupyterLab Dark']) {
  test(`previews the sample DL1 file (${theme})`, async ({
    page
  }, testInfo) => {
    await page.theme.setTheme(theme);
    await openPreview(page);
    const tab = page.locator(TAB);
    // The tree, from the file's root group.
    const item = (name: string) =>
      tab.getByRole('treeitem', { name, exact: true });
    await expect(item('dl1')).toBeVisible();
    await expect(item('configuration')).toBeVisible();
    // A table: the parameters (a compound dataset), its values in a matrix.
    await expand(page, [
      'dl1',
      'event',
      'telescope',
      'parameters',
      'LST_LSTCam'
    ]);
    await expect(tab.getByText('intensity').first()).toBeVisible();
    await expect(tab.getByText('event_id').first()).toBeVisible();
    // Integers written out (obs_id), not h5web's default 1.600e+4.
    await expect(tab.getByText('16000', { exact: true }).first()).toBeVisible();
    await expect(tab.getByText('1.600e+4')).toHaveCount(0);
    const label = theme.endsWith('Dark') ? 'dark' : 'light';
    await shot(page, `preview-table-${label}`, testInfo);
    // A plot: the images (float32, 40 x 1855) as a heatmap, drawn in a canvas.
    await expand(page, ['image', 'LST_LSTCam']);
    await expect(tab.locator('[class^="_canvasArea_"] canvas')).toBeVisible();
    await expect(tab.locator('[class^="_colorBar_"]')).toBeVisible();
    // 40 x 1855 pixels fill the plot: not a thin strip of square pixels.
    const plot = await tab.locator('[class^="_canvasArea_"] canvas').boundingBox();
    expect(plot!.height).toBeGreaterThan(plot!.width / 4);
    await expect(tab.locator('[class^="_error"]')).toHaveCount(0);
    await shot(page, `preview-heatmap-${label}`, testInfo);
  });
}

test('shows why a file cannot be previewed', async ({ page }) => {
  await openPanel(page);
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('ctadata:preview', {
      path: 'lst/DL1/20241114/v0.1/tailcut84/missing.h5'
    });
  });
  await expect(page.locator(TAB)).toContainText('does not exist');
});

test('asks for a slice when a dataset is larger than one answer', async ({
  page
}) => {
  await openPanel(page);
  await goTo(page, 'lst/hostile/');
  await entry(page, 'lst/hostile/zeros.h5').dblclick();
  const tab = page.locator(TAB);
  // h5web asks for the whole 1-D dataset to draw its line plot: 128 MiB, past 64 MiB.
  await tab.getByRole('treeitem', { name: 'zeros', exact: true }).click();
  await expect(tab).toContainText('more than the preview reads at once');
  await expect(tab).toContainText('smaller slice');
});

test('opens the file in a new notebook that runs', async ({
  page,
  tmpPath
}) => {
  await page.filebrowser.openDirectory(tmpPath);
  await openPanel(page);
  await goTo(page, DL1);
  await entry(page, DL1 + DL1_FILE).click({ button: 'right' });
  await menuItem(page, 'Open in New Notebook').click();
  const name = 'dl1_LST-1.Run16000.0000.ipynb';
  await expect(page.locator('.jp-NotebookPanel')).toBeVisible();
  await expect(page.activity.getTabLocator(name)).toBeVisible();
  await page.notebook.run();
  const outputs = page.locator('.jp-NotebookPanel .jp-OutputArea-output');
  await expect(
    outputs.filter({ hasText: 'parameters/LST_LSTCam: shape (40,)' })
  ).toHaveCount(1);
  await expect(
    page.locator('.jp-NotebookPanel .jp-RenderedHTMLCommon table th', {
      hasText: 'intensity'
    })
  ).toBeVisible();
  await expect(
    page.locator(
      '.jp-NotebookPanel [data-mime-type="application/vnd.jupyter.stderr"]'
    )
  ).toHaveCount(0);
  expect(await page.contents.fileExists(`${tmpPath}/${name}`)).toBeTruthy();
});

test('previews a FITS file: its HDUs, header and first rows', async ({
  page
}, testInfo) => {
  await openPanel(page);
  await goTo(page, 'cta/DL3/LST-1/');
  await entry(page, 'cta/DL3/LST-1/dl3_LST-1.Run16000.fits').dblclick();
  const tab = page.locator('.jp-CtadataFitsPreview');
  await expect(tab.locator('summary')).toHaveText([
    /0 PRIMARY — PrimaryHDU/,
    /1 EVENTS — BinTableHDU: 1000 rows, 2 columns/
  ]);
  const rows = tab.locator('.jp-mod-rows');
  await expect(rows.locator('th')).toHaveText(['EVENT_ID', 'ENERGY [TeV]']);
  await expect(rows.locator('tbody tr')).toHaveCount(50);
  await expect(rows.locator('tbody tr').first().locator('td')).toHaveText([
    '0',
    '0.03'
  ]);
  await expect(
    tab.locator('.jp-mod-header tr', { hasText: 'OBS_ID' })
  ).toContainText('16000');
  await shot(page, 'preview-fits', testInfo);
});
