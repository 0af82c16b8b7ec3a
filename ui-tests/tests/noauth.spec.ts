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

test('says when the server extension is missing', async ({ page }, testInfo) => {
  // As a Jupyter server without ctadata_lab answers.
  await page.route('**/ctadata/config**', route =>
    route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>404</h1>' })
  );
  await page.reload();
  await openPanel(page);
  const notice = page.locator(`${PANEL} .jp-CtadataNotice`);
  await expect(notice.locator('.jp-CtadataNotice-title')).toHaveText(
    'The ctadata server extension is not available'
  );
  await expect(notice).toContainText('pip install ctadata');
  await shot(page, 'extension-unavailable', testInfo);
});
