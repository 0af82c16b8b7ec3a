/**
 * "Search below this folder" in the filter box, against the development
 * service: results stream in with their folders, a search can be stopped, its
 * bound is said, and a result has the listing's context menu.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  entries,
  entry,
  goTo,
  menuItem,
  openPanel,
  PANEL,
  shot,
  STORAGE,
  transfer,
  workspaceSize
} from './helpers';

const DL1 = 'lst/DL1/20241114/v0.1/tailcut84/';
// Not the file the storage tests download: the server lists finished transfers to every test.
const DL1_FILE = 'dl1_LST-1.Run16000.0001.h5';
/**
 * A tree of many folders, so that a search in it lasts long enough to stop
 * (made by the test that needs it: other searches would walk it too).
 */
const TREE = 'lst/searchtree/';

function makeTree(): void {
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 40; j++) {
      const dir = path.join(STORAGE, TREE, `d${i}`, `e${j}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'x.dat'), '');
    }
  }
}

/**
 * The storage paths of the files below `dir` whose names end with `suffix`.
 */
function filesBelow(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const item of fs.readdirSync(path.join(STORAGE, dir), {
    withFileTypes: true
  })) {
    if (item.isDirectory()) {
      found.push(...filesBelow(`${dir}${item.name}/`, suffix));
    } else if (item.name.endsWith(suffix)) {
      found.push(dir + item.name);
    }
  }
  return found;
}

async function search(
  page: IJupyterLabPageFixture,
  pattern: string
): Promise<void> {
  const box = page.locator(`${PANEL} .jp-CtadataFilter`);
  if (!(await box.evaluate(node => node.classList.contains('jp-mod-search')))) {
    await box.locator('.jp-CtadataFilter-mode').click();
  }
  const input = box.locator('.jp-CtadataFilter-input');
  await input.fill(pattern);
  await input.press('Enter');
}

const status = (page: IJupyterLabPageFixture) =>
  page.locator(`${PANEL} .jp-CtadataSearch`);
const statusText = (page: IJupyterLabPageFixture) =>
  status(page).locator('.jp-CtadataSearch-text');

test.describe('Search below a folder', () => {
  test('finds files with their folders and downloads one', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openPanel(page);
    await goTo(page, '');
    await search(page, '*.h5');
    const expected = filesBelow('', '.h5');
    expect(expected.length).toBeGreaterThan(3);
    await expect(status(page)).toHaveAttribute('data-status', 'ended', {
      timeout: 60000
    });
    await expect(statusText(page)).toHaveText(
      `${expected.length} matches below the storage root.`
    );
    await expect(page.locator(`${PANEL} .jp-CtadataListing-content`)).toHaveAttribute(
      'aria-rowcount',
      String(expected.length)
    );
    const result = entry(page, DL1 + DL1_FILE);
    await expect(result.locator('.jp-CtadataListing-itemFolder')).toHaveText(
      DL1.slice(0, -1)
    );
    await result.click();
    await shot(page, 'search-results', testInfo);

    // The listing's context menu, on a result.
    await result.click({ button: 'right' });
    await menuItem(page, 'Download to Workspace').click();
    await expect(transfer(page, DL1_FILE)).toHaveAttribute('data-state', 'done');
    const size = fs.statSync(path.join(STORAGE, DL1, DL1_FILE)).size;
    expect(await workspaceSize(page, `${tmpPath}/${DL1_FILE}`)).toBe(size);

    // Going to a folder ends the search: its entries again, filtered as usual.
    await goTo(page, 'lst/');
    await expect(status(page)).toBeHidden();
    await expect(entry(page, 'lst/DL1/')).toBeVisible();
    await expect(page.locator(`${PANEL} .jp-CtadataFilter`)).not.toHaveClass(
      /jp-mod-search/
    );
  });

  test('tells results apart in a 250 px panel', async ({ page }, testInfo) => {
    await openPanel(page);
    const panelWidth = await page
      .locator(PANEL)
      .evaluate(node => node.getBoundingClientRect().width);
    expect(panelWidth).toBeLessThanOrEqual(260);
    await goTo(page, 'lst/DL1/');
    await search(page, 'dl1*');
    await expect(status(page)).toHaveAttribute('data-status', 'ended', {
      timeout: 60000
    });
    const expected = filesBelow('lst/DL1/', '.h5');
    const rows = await entries(page).evaluateAll(nodes =>
      nodes.map(node => {
        const name = node.querySelector('.jp-CtadataListing-itemName')!;
        return {
          path: (node as HTMLElement).dataset.path!,
          shown: name.textContent!,
          cut: name.scrollWidth > name.clientWidth,
          tooltip: (node as HTMLElement).title
        };
      })
    );
    expect(rows.map(row => row.path).sort()).toEqual(expected.sort());
    await shot(page, 'search-results-250px', testInfo);
    for (const row of rows) {
      // What is shown is the whole text of the cell, and the tooltip has the path.
      expect(row.cut, `${row.shown} is cut by the cell`).toBe(false);
      expect(row.tooltip.split('\n')[0]).toBe(row.path);
      // The end of the name (the run and subrun numbers) is shown.
      expect(row.path.endsWith(row.shown.split('…').pop()!)).toBe(true);
    }
    const shown = rows.map(row => row.shown);
    expect(new Set(shown).size, shown.join(', ')).toBe(rows.length);
  });

  test('stops a search, and says when the count bound is hit', async ({
    page
  }, testInfo) => {
    await openPanel(page);
    makeTree();
    try {
      await goTo(page, TREE);
      await search(page, '*.nothing');
      const stop = status(page).locator('.jp-CtadataSearch-stop');
      await expect(statusText(page)).toContainText('Searching *.nothing below');
      await stop.click();
      await expect(status(page)).toHaveAttribute('data-status', 'stopped');
      await expect(statusText(page)).toHaveText(
        'Stopped: showing the 0 matches found so far.'
      );
      await expect(stop).toBeHidden();
    } finally {
      fs.rmSync(path.join(STORAGE, TREE), { recursive: true, force: true });
    }

    // lst/big/ holds 10,000 files: the first 1,000 are shown, and it says so.
    await goTo(page, 'lst/big/');
    await search(page, 'file_*');
    await expect(status(page)).toHaveAttribute('data-level', 'warning');
    await expect(statusText(page)).toContainText('Showing the first 1,000 matches');
    await expect(page.locator(`${PANEL} .jp-CtadataListing-content`)).toHaveAttribute(
      'aria-rowcount',
      '1000'
    );
    expect(await entries(page).count()).toBeLessThan(120);
    await shot(page, 'search-limit', testInfo);

    // A folder gone since it was listed: the error is said, not a blank panel.
    const gone = path.join(STORAGE, 'lst/searchgone');
    fs.mkdirSync(gone, { recursive: true });
    await goTo(page, 'lst/searchgone/');
    fs.rmSync(gone, { recursive: true });
    await search(page, '*.h5');
    await expect(status(page)).toHaveAttribute('data-level', 'error');
    await expect(statusText(page)).toContainText('The search failed: ');
    await shot(page, 'search-failed', testInfo);
  });
});
