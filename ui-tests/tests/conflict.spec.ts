/**
 * A folder download onto workspace files that differ from the storage's: the
 * panel asks (Overwrite / Skip / Cancel) and does what the user chose.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  entry,
  goTo,
  menuItem,
  openPanel,
  shot,
  STORAGE,
  transfer,
  workspaceSize
} from './helpers';

const PARENT = 'cta/DL3/';
const FOLDER = 'cta/DL3/Prod5b/';
const FILE = 'README.txt';
const EDITED = 'USER EDITED\n';

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
  await shot(page, 'download-conflict', testInfo);
  await button('Cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'conflict'
  );
  expect(await workspaceSize(page, local)).toBe(EDITED.length);

  // Skip: the rest is downloaded, the edit stays.
  await download();
  await button('Skip').click();
  await expect(transfer(page, 'Prod5b').first()).toHaveAttribute(
    'data-state',
    'done'
  );
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
