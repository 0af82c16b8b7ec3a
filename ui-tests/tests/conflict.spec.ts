/**
 * Downloads onto workspace files that differ from the storage's, and uploads
 * onto storage entries: the panel asks (Overwrite / Skip / Cancel, Replace /
 * Cancel), Enter never takes the destructive choice, and a skip is reported.
 * A download, of a file or of a folder, meets such files as a job that ends
 * in the state `conflict` (nothing written); the question comes then, with
 * "Do this for all conflicts" when several entries were downloaded at once.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  entry,
  execute,
  goTo,
  menuItem,
  openPanel,
  shot,
  STORAGE,
  toolbarButton,
  transfer,
  USER_FOLDER,
  workspaceSize
} from './helpers';

const PARENT = 'cta/DL3/';
const FOLDER = 'cta/DL3/Prod5b/';
const FILE = 'README.txt';
const EDITED = 'USER EDITED\n';

const dialogButton = (page: IJupyterLabPageFixture, label: string) =>
  page.locator('.jp-Dialog .jp-Dialog-button', { hasText: label });

const toast = (page: IJupyterLabPageFixture, text: string) =>
  page.locator('.Toastify__toast', { hasText: text });

test('asks before a folder download replaces edited files', async ({
  page,
  tmpPath
}, testInfo) => {
  const local = `${tmpPath}/Prod5b/${FILE}`;
  const stored = fs.statSync(path.join(STORAGE, FOLDER, FILE)).size;
  const download = async () => {
    await entry(page, FOLDER).click({ button: 'right' });
    await menuItem(page, 'Download to Workspace').click();
  };
  await openPanel(page);
  await goTo(page, PARENT);
  await download();
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'done'
  );
  await page.contents.uploadContent(EDITED, 'text', local);

  const dialog = page.locator('.jp-Dialog');
  const button = (label: string) =>
    dialog.locator('.jp-Dialog-button', { hasText: label });
  // Cancel: nothing happens, the edit stays.
  await download();
  await expect(dialog).toContainText(
    `1 file in “${tmpPath}/Prod5b” differs from the storage.`
  );
  await expect(dialog).toContainText(`${tmpPath}/Prod5b/${FILE}`);
  // Enter would keep the edit: the focus is on Skip, never on Overwrite.
  await expect(button('Skip')).toBeFocused();
  await shot(page, 'download-conflict', testInfo);
  await button('Cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'conflict'
  );
  expect(await workspaceSize(page, local)).toBe(EDITED.length);

  // Skip: the rest is downloaded, the edit stays, and the list says so.
  await download();
  await button('Skip').click();
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'done'
  );
  await expect(
    transfer(page, 'Prod5b').first().locator('.jp-CtadataTransfer-state')
  ).toHaveText('Done · 1 kept');
  expect(await workspaceSize(page, local)).toBe(EDITED.length);

  // Overwrite: the storage's file replaces it.
  await download();
  await button('Overwrite').click();
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'done'
  );
  await expect
    .poll(() => workspaceSize(page, local))
    .toBe(stored);
});

test('Enter keeps an edited file, and a skip is said and listed', async ({
  page,
  tmpPath
}, testInfo) => {
  // A file no other test downloads: finished transfers are listed to every test.
  const folder = 'lst/monitoring/20241115/Run16012/';
  const name = 'subrun_0005.json';
  const local = `${tmpPath}/${name}`;
  await openPanel(page);
  await goTo(page, folder);
  await entry(page, folder + name).click();
  await toolbarButton(page, 'ctadata:download').click();
  await expect(transfer(page, name).first()).toHaveAttribute('data-state', 'done');
  await page.contents.uploadContent(EDITED, 'text', local);

  await toolbarButton(page, 'ctadata:download').click();
  await expect(page.locator('.jp-Dialog')).toContainText('differs from the storage');
  await expect(dialogButton(page, 'Skip')).toBeFocused();
  await shot(page, 'conflict-dialog-focus', testInfo);
  await page.keyboard.press('Enter');
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);

  // Said in a toast, and kept in the transfers list.
  await expect(
    toast(
      page,
      `Skipped ${name}: the workspace copy differs from the storage and was kept`
    )
  ).toBeVisible();
  const row = transfer(page, name).first();
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row.locator('.jp-CtadataTransfer-state')).toHaveText(
    'Skipped: yours kept'
  );
  await shot(page, 'conflict-skipped', testInfo);
  expect(await workspaceSize(page, local)).toBe(EDITED.length);
});

test('one answer "for all" settles the conflicts of a multiple download', async ({
  page,
  tmpPath
}, testInfo) => {
  // Files no other test downloads: finished transfers are listed to every test.
  const folder = 'lst/monitoring/20241115/Run16012/';
  const names = ['subrun_0006.json', 'subrun_0007.json'];
  const select = async () => {
    await entry(page, folder + names[0]).click();
    await entry(page, folder + names[1]).click({
      modifiers: ['ControlOrMeta']
    });
  };
  await openPanel(page);
  await goTo(page, folder);
  await select();
  await toolbarButton(page, 'ctadata:download').click();
  for (const name of names) {
    await expect(transfer(page, name).first()).toHaveAttribute(
      'data-state',
      'done'
    );
    await page.contents.uploadContent(EDITED, 'text', `${tmpPath}/${name}`);
  }

  // Both end in conflict; one question, with the box, answers both.
  await select();
  await toolbarButton(page, 'ctadata:download').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('differs from the storage');
  const forAll = dialog.getByLabel('Do this for all conflicts');
  await expect(forAll).not.toBeChecked();
  await forAll.check();
  await shot(page, 'conflict-for-all', testInfo);
  await dialogButton(page, 'Skip').click();
  await expect(dialog).toHaveCount(0);
  for (const name of names) {
    const row = transfer(page, name).first();
    await expect(row).toHaveAttribute('data-state', 'done');
    await expect(row.locator('.jp-CtadataTransfer-state')).toHaveText(
      'Skipped: yours kept'
    );
    // The earlier job of each is listed as held by the conflict.
    await expect(
      transfer(page, name).and(page.locator('[data-state="conflict"]'))
    ).not.toHaveCount(0);
    expect(await workspaceSize(page, `${tmpPath}/${name}`)).toBe(EDITED.length);
  }
  // No second question came.
  await expect(dialog).toHaveCount(0);
});

test('Enter keeps the storage entry an upload would replace', async ({
  page
}, testInfo) => {
  const name = `replace-${Date.now()}.txt`;
  const stored = path.join(STORAGE, USER_FOLDER, name);
  fs.mkdirSync(path.dirname(stored), { recursive: true });
  fs.writeFileSync(stored, 'in the storage\n');
  await openPanel(page);
  await execute(page, 'ctadata:go-to-upload-folder');
  await expect(entry(page, USER_FOLDER + name)).toBeVisible();

  const chooser = page.waitForEvent('filechooser');
  await toolbarButton(page, 'ctadata:upload').click();
  await (
    await chooser
  ).setFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('new\n') });
  await expect(page.locator('.jp-Dialog')).toContainText('Replace 1 entry?');
  await expect(dialogButton(page, 'Cancel')).toBeFocused();
  await shot(page, 'replace-dialog-focus', testInfo);
  await page.keyboard.press('Enter');
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  expect(fs.readFileSync(stored, 'utf-8')).toBe('in the storage\n');
});
