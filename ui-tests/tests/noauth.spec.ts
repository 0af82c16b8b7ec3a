/**
 * The panel when the service refuses the server's token: a message that says
 * what is wrong and what to do, not an empty list.
 */
import { expect, test } from '@jupyterlab/galata';

import { openPanel, PANEL, shot } from './helpers';

test('says when the service does not accept the token', async ({ page }, testInfo) => {
  await openPanel(page);
  const notice = page.locator(`${PANEL} .jp-CtadataNotice`);
  await expect(notice).toBeVisible();
  await expect(notice.locator('.jp-CtadataNotice-title')).toHaveText('Not authenticated');
  await expect(notice).toContainText('Hub Control Panel');
  await expect(notice.locator('button', { hasText: 'Retry' })).toBeVisible();
  await expect(page.locator(`${PANEL} .jp-CtadataListing`)).toBeHidden();
  await shot(page, 'not-authenticated', testInfo);

  // Retrying asks again and says the same: nothing half-shown in between.
  await notice.locator('button', { hasText: 'Retry' }).click();
  await expect(notice.locator('.jp-CtadataNotice-title')).toHaveText('Not authenticated');
});
