/**
 * The CTA Storage panel against the development service: browse, sort, filter,
 * long folders, downloads, uploads (from the computer and from the file
 * browser), cancelling, opening files, the certificate dialog.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  crumb,
  entries,
  entry,
  execute,
  goTo,
  openPanel,
  menuItem,
  PANEL,
  rowCount,
  shot,
  STORAGE,
  toolbarButton,
  transfer,
  USER_FOLDER,
  workspaceNames,
  workspaceSize
} from './helpers';

const DL1 = 'lst/DL1/20241114/v0.1/tailcut84/';
const DL1_FILE = 'dl1_LST-1.Run16000.0000.h5';
const MONITORING = 'lst/monitoring/20241114/Run16000/';

test.describe('CTA Storage panel', () => {
  test('browses into folders and back by breadcrumb and keyboard', async ({
    page
  }, testInfo) => {
    await openPanel(page);
    await expect(entry(page, 'lst/')).toBeVisible();
    await expect(entry(page, 'cta/')).toBeVisible();

    await entry(page, 'lst/').dblclick();
    await expect(entry(page, 'lst/DL1/')).toBeVisible();
    await entry(page, 'lst/DL1/').dblclick();
    await expect(entry(page, 'lst/DL1/20241114/')).toBeVisible();
    await expect(
      page.locator(`${PANEL} .jp-CtadataBreadcrumbs-item.jp-mod-current`)
    ).toHaveText('DL1');
    // Each entry shows an icon, a name, a size (files) and a date.
    await entry(page, 'lst/DL1/20241114/').dblclick();
    await entry(page, 'lst/DL1/20241114/v0.1/').dblclick();
    await entry(page, 'lst/DL1/20241114/v0.1/tailcut84/').dblclick();
    const file = entry(page, DL1 + DL1_FILE);
    await expect(file).toBeVisible();
    await expect(file.locator('.jp-CtadataListing-itemSize')).toHaveText(
      /\d+(\.\d)? (B|KiB|MiB)/
    );
    await expect(file.locator('.jp-CtadataListing-itemModified')).not.toBeEmpty();
    await expect(file.locator('.jp-CtadataListing-itemIcon svg')).toBeVisible();
    await shot(page, 'browse-folder', testInfo);

    // Back up by the breadcrumbs: a path too long for the panel folds its
    // first folders into "…", one that fits is shown whole.
    const folded = page.locator(`${PANEL} .jp-CtadataBreadcrumbs-item`, {
      hasText: '…'
    });
    await expect(folded).toHaveCount(1);
    await crumb(page, 'lst/DL1/20241114/v0.1/').click();
    await expect(entry(page, DL1)).toBeVisible();
    await crumb(page, 'lst/DL1/20241114/').click();
    await expect(entry(page, 'lst/DL1/20241114/v0.1/')).toBeVisible();
    await expect(folded).toHaveCount(0);
    await expect(crumb(page, 'lst/')).toHaveText('lst');
    await crumb(page, 'lst/').click();
    await expect(entry(page, 'lst/DL1/')).toBeVisible();
    await expect(entry(page, 'lst/monitoring/')).toBeVisible();
    await crumb(page, '').click();
    await expect(entry(page, 'cta/')).toBeVisible();

    // Keyboard: arrows move, Enter opens, Backspace goes up.
    await entry(page, 'lst/').click();
    await page.keyboard.press('Enter');
    await expect(entry(page, 'lst/DL1/')).toBeVisible();
    // lst/ holds big/, DL1/, hostile/, huge/, monitoring/, users/ (folders by name).
    await page.keyboard.press('ArrowDown');
    await expect(entry(page, 'lst/big/')).toHaveClass(/jp-mod-selected/);
    await page.keyboard.press('ArrowDown');
    await expect(entry(page, 'lst/DL1/')).toHaveClass(/jp-mod-selected/);
    await expect(entry(page, 'lst/big/')).not.toHaveClass(/jp-mod-selected/);
    await page.keyboard.press('Shift+ArrowDown');
    await expect(entry(page, 'lst/DL1/')).toHaveClass(/jp-mod-selected/);
    await expect(entry(page, 'lst/hostile/')).toHaveClass(/jp-mod-selected/);
    await page.keyboard.press('Backspace');
    await expect(entry(page, 'cta/')).toBeVisible();
  });

  test('sorts by name and by date', async ({ page }, testInfo) => {
    await openPanel(page);
    // Below 300 px the date column makes room for the names: widen the sidebar.
    await page.sidebar.setWidth(460, 'left');
    await goTo(page, MONITORING);
    await expect(rowCount(page)).toHaveAttribute('aria-rowcount', '50');
    const first = entries(page).first();
    await expect(first).toHaveAttribute('data-path', MONITORING + 'subrun_0000.json');

    const header = (id: string) =>
      page.locator(`${PANEL} .jp-CtadataListing-headerItem.jp-id-${id}`);
    await header('name').click();
    await expect(header('name')).toHaveAttribute('aria-sort', 'descending');
    await expect(first).toHaveAttribute('data-path', MONITORING + 'subrun_0049.json');

    await header('mtime').click();
    await expect(header('mtime')).toHaveAttribute('aria-sort', 'ascending');
    await expect(first).toHaveAttribute('data-path', MONITORING + 'subrun_0000.json');
    await header('mtime').click();
    await expect(header('mtime')).toHaveAttribute('aria-sort', 'descending');
    await expect(first).toHaveAttribute('data-path', MONITORING + 'subrun_0049.json');
    await shot(page, 'sorted-by-date', testInfo);

    await header('size').click();
    await expect(header('size')).toHaveAttribute('aria-sort', 'ascending');
  });

  test('filters by name', async ({ page }, testInfo) => {
    await openPanel(page);
    await goTo(page, MONITORING);
    const filter = page.locator(`${PANEL} .jp-CtadataFilter-input`);
    await filter.fill('0042');
    await expect(rowCount(page)).toHaveAttribute('aria-rowcount', '1');
    await expect(entries(page)).toHaveCount(1);
    await expect(entries(page).first()).toHaveAttribute(
      'data-path',
      MONITORING + 'subrun_0042.json'
    );
    await shot(page, 'filtered', testInfo);
    await filter.fill('no-such-name');
    await expect(page.locator(`${PANEL} .jp-CtadataListing-empty`)).toContainText(
      'No entry matches'
    );
    await filter.press('Escape');
    await expect(rowCount(page)).toHaveAttribute('aria-rowcount', '50');
  });

  test('keeps a folder of 10,000 entries smooth', async ({ page }, testInfo) => {
    await openPanel(page);
    const started = Date.now();
    await goTo(page, 'lst/big/');
    await expect(entry(page, 'lst/big/file_00000.dat')).toBeVisible();
    const elapsed = Date.now() - started;
    // Listed and drawn in a few seconds, with only the rows in view in the DOM.
    expect(elapsed).toBeLessThan(10000);
    const content = page.locator(`${PANEL} .jp-CtadataListing-content`);
    await expect(content).toHaveAttribute('aria-rowcount', '10000');
    expect(await entries(page).count()).toBeLessThan(120);

    await entry(page, 'lst/big/file_00000.dat').click();
    await page.keyboard.press('End');
    await expect(entry(page, 'lst/big/file_09999.dat')).toBeVisible();
    await expect(entry(page, 'lst/big/file_09999.dat')).toHaveClass(/jp-mod-selected/);
    expect(await entries(page).count()).toBeLessThan(120);

    // Scrolling through the middle keeps few rows and draws the right ones.
    await content.evaluate(node => {
      node.scrollTop = 5000 * 24;
    });
    await expect(entry(page, 'lst/big/file_05000.dat')).toBeVisible();
    expect(await entries(page).count()).toBeLessThan(120);
    await shot(page, 'long-folder', testInfo);
  });

  test('downloads a file and a folder into the workspace', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openPanel(page);
    await goTo(page, DL1);
    // A file, with the toolbar button, into the folder the file browser shows.
    await entry(page, DL1 + DL1_FILE).click();
    await toolbarButton(page, 'ctadata:download').click();
    await expect(transfer(page, DL1_FILE)).toHaveAttribute('data-state', 'done');
    await shot(page, 'download-done', testInfo);
    const size = fs.statSync(path.join(STORAGE, DL1, DL1_FILE)).size;
    expect(await workspaceSize(page, `${tmpPath}/${DL1_FILE}`)).toBe(size);

    // A folder, from the context menu.
    await goTo(page, 'lst/DL1/20241114/v0.1/');
    await entry(page, DL1).click({ button: 'right' });
    await menuItem(page, 'Download to Workspace').click();
    await expect(transfer(page, 'tailcut84')).toHaveAttribute('data-state', 'done');
    expect(await workspaceNames(page, `${tmpPath}/tailcut84`)).toEqual(
      expect.arrayContaining([DL1_FILE])
    );

    // Both show in the file browser without a manual refresh.
    await page.sidebar.openTab('filebrowser');
    await expect(
      page.locator('.jp-DirListing-item', { hasText: DL1_FILE })
    ).toBeVisible();
    await expect(
      page.locator('.jp-DirListing-item', { hasText: 'tailcut84' })
    ).toBeVisible();
    await shot(page, 'download-in-file-browser', testInfo);
  });

  test('downloads a multiple selection, and into a chosen folder', async ({
    page,
    tmpPath
  }) => {
    await page.contents.createDirectory(`${tmpPath}/chosen`);
    await openPanel(page);
    await goTo(page, MONITORING);
    await entry(page, MONITORING + 'subrun_0001.json').click();
    await entry(page, MONITORING + 'subrun_0003.json').click({
      modifiers: ['ControlOrMeta']
    });
    await entry(page, MONITORING + 'subrun_0003.json').click({ button: 'right' });
    await menuItem(page, 'Download to Workspace Folder…').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Download 2 entries to');
    await dialog
      .locator('.jp-DirListing-item', { hasText: 'chosen' })
      .click();
    await dialog.locator('.jp-Dialog-button', { hasText: 'Select' }).click();
    await expect(transfer(page, 'subrun_0001.json')).toHaveAttribute(
      'data-state',
      'done'
    );
    await expect(transfer(page, 'subrun_0003.json')).toHaveAttribute(
      'data-state',
      'done'
    );
    expect((await workspaceNames(page, `${tmpPath}/chosen`)).sort()).toEqual([
      'subrun_0001.json',
      'subrun_0003.json'
    ]);
    // The notification says where they went.
    await expect(
      page.locator('.Toastify__toast', { hasText: 'Downloaded subrun_0003.json' })
    ).toBeVisible();
  });

  test('asks before overwriting a workspace file', async ({ page, tmpPath }) => {
    await openPanel(page);
    await goTo(page, 'cta/DL3/Prod5b/');
    await entry(page, 'cta/DL3/Prod5b/README.txt').click();
    await toolbarButton(page, 'ctadata:download').click();
    await expect(transfer(page, 'README.txt')).toHaveAttribute('data-state', 'done');
    // The same file again: nothing to ask. An edited one: asked first.
    await page.contents.uploadContent('edited', 'text', `${tmpPath}/README.txt`);
    await toolbarButton(page, 'ctadata:download').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(
      `1 file in “${tmpPath}” differs from the storage.`
    );
    await dialog.locator('.jp-Dialog-button', { hasText: 'Skip' }).click();
    await expect(dialog).toHaveCount(0);
    expect(await workspaceSize(page, `${tmpPath}/README.txt`)).toBe(6);
  });

  test('opens a file JupyterLab can show', async ({ page }) => {
    await openPanel(page);
    await goTo(page, MONITORING);
    await entry(page, MONITORING + 'subrun_0003.json').dblclick();
    await expect(
      page.locator('.jp-MainAreaWidget .lm-TabBar-tab, #jp-main-dock-panel .lm-TabBar-tab', {
        hasText: 'subrun_0003.json'
      }).first()
    ).toBeVisible();
  });

  test('copies the path and a Python snippet', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openPanel(page);
    await goTo(page, DL1);
    await entry(page, DL1 + DL1_FILE).click({ button: 'right' });
    await menuItem(page, 'Copy Python Snippet').click();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toContain(`ctadata.fetch_and_save_file("${DL1}${DL1_FILE}")`);
    await entry(page, DL1 + DL1_FILE).click({ button: 'right' });
    await menuItem(page, 'Copy Storage Path').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      DL1 + DL1_FILE
    );
  });

  test('uploads files dropped from the computer', async ({ page }, testInfo) => {
    await openPanel(page);
    await execute(page, 'ctadata:go-to-upload-folder');
    await expect(
      page.locator(`${PANEL} .jp-CtadataBreadcrumbs-item.jp-mod-current`)
    ).toHaveText('cta_demo');
    await expect(page.locator(`${PANEL} .jp-CtadataUploadInfo`)).toContainText(
      USER_FOLDER
    );

    const name = `dropped-${Date.now()}.txt`;
    const dataTransfer = await page.evaluateHandle(name => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['x'.repeat(300000)], name, { type: 'text/plain' }));
      transfer.items.add(new File(['a,b\n1,2\n'], `table-${name}.csv`));
      return transfer;
    }, name);
    const list = page.locator(`${PANEL} .jp-CtadataListing-content`);
    await list.dispatchEvent('dragenter', { dataTransfer });
    await list.dispatchEvent('dragover', { dataTransfer });
    await expect(page.locator(`${PANEL} .jp-CtadataDropOverlay`)).toContainText(
      `Drop to upload to ${USER_FOLDER}`
    );
    await shot(page, 'drop-overlay', testInfo);
    await list.dispatchEvent('drop', { dataTransfer });

    await expect(transfer(page, name)).toHaveAttribute('data-state', 'done');
    await expect(entry(page, USER_FOLDER + name)).toBeVisible();
    await expect(entry(page, `${USER_FOLDER}table-${name}.csv`)).toBeVisible();
    expect(fs.statSync(path.join(STORAGE, USER_FOLDER, name)).size).toBe(300000);
    await shot(page, 'uploaded-from-computer', testInfo);

    // The toolbar button opens the browser's file picker.
    const picked = `picked-${Date.now()}.txt`;
    const chooser = page.waitForEvent('filechooser');
    await toolbarButton(page, 'ctadata:upload').click();
    await (
      await chooser
    ).setFiles({ name: picked, mimeType: 'text/plain', buffer: Buffer.from('picked\n') });
    await expect(entry(page, USER_FOLDER + picked)).toBeVisible();
    expect(fs.readFileSync(path.join(STORAGE, USER_FOLDER, picked), 'utf-8')).toBe(
      'picked\n'
    );
  });

  test('uploads a folder with its sub-folders', async ({ page }, testInfo) => {
    const local = fs.mkdtempSync(path.join(require('os').tmpdir(), 'ctadata-ui-'));
    const folder = path.join(local, `folder-${Date.now()}`);
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'top.txt'), 'top\n');
    fs.writeFileSync(path.join(folder, 'sub', 'deep.txt'), 'deep\n');
    await openPanel(page);
    await execute(page, 'ctadata:go-to-upload-folder');
    const chooser = page.waitForEvent('filechooser');
    await toolbarButton(page, 'ctadata:upload-folder').click();
    await (await chooser).setFiles(folder);
    const name = path.basename(folder);
    await expect(transfer(page, 'deep.txt')).toHaveAttribute('data-state', 'done');
    await expect(transfer(page, 'top.txt')).toHaveAttribute('data-state', 'done');
    expect(
      fs.readFileSync(path.join(STORAGE, USER_FOLDER, name, 'sub', 'deep.txt'), 'utf-8')
    ).toBe('deep\n');
    await expect(entry(page, `${USER_FOLDER}${name}/`)).toBeVisible();
    fs.rmSync(local, { recursive: true, force: true });
  });

  test('uploads what is dragged from the file browser', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = `from-lab-${Date.now()}.txt`;
    await page.contents.uploadContent('made in JupyterLab\n', 'text', `${tmpPath}/${name}`);
    await page.sidebar.openTab('filebrowser');
    await page.filebrowser.refresh();
    const source = page.locator('.jp-DirListing-item', { hasText: name });
    await expect(source).toBeVisible();

    // Drag it onto the CTA Storage tab (which opens the panel), then into the panel.
    const from = (await source.boundingBox())!;
    const tab = (await page.sidebar.getTabLocator('ctadata-storage').boundingBox())!;
    await page.mouse.move(from.x + 40, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 30, { steps: 5 });
    await page.mouse.move(tab.x + tab.width / 2, tab.y + tab.height / 2, { steps: 10 });
    await expect(page.locator(PANEL)).toBeVisible();
    const target = (await page
      .locator(`${PANEL} .jp-CtadataListing-content`)
      .boundingBox())!;
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, {
      steps: 10
    });
    await expect(page.locator(`${PANEL} .jp-CtadataDropOverlay`)).toBeVisible();
    await page.mouse.up();

    await expect(transfer(page, name)).toHaveAttribute('data-state', 'done');
    expect(fs.readFileSync(path.join(STORAGE, USER_FOLDER, name), 'utf-8')).toBe(
      'made in JupyterLab\n'
    );
    await execute(page, 'ctadata:go-to-upload-folder');
    await expect(entry(page, USER_FOLDER + name)).toBeVisible();
    await shot(page, 'uploaded-from-file-browser', testInfo);
  });

  test('cancels a running transfer', async ({ page, tmpPath }, testInfo) => {
    await openPanel(page);
    await goTo(page, 'lst/huge/');
    await entry(page, 'lst/huge/big.bin').click();
    await toolbarButton(page, 'ctadata:download').click();
    const row = transfer(page, 'big.bin');
    await expect(row).toHaveAttribute('data-state', 'running');
    // Progress, rate and the status-bar item while it runs.
    await expect(row.locator('.jp-CtadataTransfer-detail')).toContainText(/of 4\.0 GiB/);
    const status = page.locator('#jp-main-statusbar .jp-CtadataStatus');
    await expect(status).toBeVisible();
    await expect(status).toContainText('1 CTA transfer');
    await shot(page, 'transfer-running', testInfo);
    await row.locator('.jp-CtadataTransfer-cancel').click();
    await expect(row).toHaveAttribute('data-state', 'cancelled');
    await expect(row.locator('.jp-CtadataTransfer-state')).toHaveText('Cancelled');
    await expect(page.locator('#jp-main-statusbar .jp-CtadataStatus')).toBeHidden();
    // Nothing half-done is left behind.
    await expect
      .poll(async () =>
        (await workspaceNames(page, tmpPath)).filter(n => n.startsWith('big.bin'))
      )
      .toEqual([]);
    await shot(page, 'transfer-cancelled', testInfo);
  });

  test('shows the service answer to a bad certificate', async ({ page }, testInfo) => {
    await openPanel(page);
    await execute(page, 'ctadata:upload-certificate');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Upload grid certificate');
    await dialog.locator('select[name="certificate_key"]').selectOption('cta');
    await dialog.locator('input[type="file"]').setInputFiles({
      name: 'not-a-certificate.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from('-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n')
    });
    await shot(page, 'certificate-dialog', testInfo);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toContainText('Certificate not stored');
    await expect(dialog.locator('.jp-CtadataCertificate-error')).not.toBeEmpty();
    await shot(page, 'certificate-refused', testInfo);
    await dialog.locator('.jp-Dialog-button', { hasText: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test('offers its commands in the palette and its settings', async ({ page }) => {
    await openPanel(page);
    await goTo(page, DL1);
    await entry(page, DL1 + DL1_FILE).click();
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    const search = palette.locator('.lm-CommandPalette-input');
    // JupyterLab lists the commands that can run now (the selection's among them).
    for (const label of [
      'Download to Workspace',
      'Download to Workspace Folder…',
      'Copy Python Snippet',
      'Upload Files to CTA Storage…',
      'Upload Grid Certificate…',
      'Show CTA Storage Transfers',
      'Refresh CTA Storage'
    ]) {
      await search.fill(label);
      await expect(
        palette
          .locator('.lm-CommandPalette-item:not(.lm-mod-disabled)', {
            hasText: label
          })
          .first()
      ).toBeVisible();
    }
    await page.keyboard.press('Escape');
    const response = await page.request.get('/lab/api/settings/ctadata-lab:plugin');
    expect(response.ok()).toBeTruthy();
    const settings = Object.keys((await response.json()).schema.properties);
    expect(settings).toEqual(
      expect.arrayContaining(['downloadFolder', 'concurrency', 'confirmOverwrite'])
    );
  });

  test('looks right in the dark theme', async ({ page }, testInfo) => {
    await page.theme.setDarkTheme();
    await openPanel(page);
    await goTo(page, DL1);
    await entry(page, DL1 + DL1_FILE).click();
    await shot(page, 'dark-theme', testInfo);
    await page.theme.setLightTheme();
  });
});
