/**
 * The questions the actions ask before they replace something.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

/**
 * Whether to replace a workspace entry with its download; `forAll` when the
 * answer is to hold for the other conflicts of the same download.
 */
export async function askReplaceDownload(
  trans: TranslationBundle,
  name: string,
  folder: string,
  several: boolean
): Promise<{ replace: boolean; forAll: boolean }> {
  const answer = await showDialog({
    title: trans.__('Replace %1?', name),
    body: trans.__(
      '%1 already exists in the workspace folder “%2”. Replace it with the copy from the storage?',
      name,
      folder || '/'
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Skip') }),
      Dialog.warnButton({ label: trans.__('Replace') })
    ],
    checkbox: several
      ? { label: trans.__('Do this for all conflicts'), checked: false }
      : null
  });
  return { replace: answer.button.accept, forAll: !!answer.isChecked };
}

/**
 * Whether to replace the `existing` entries of the storage folder `remoteDir`
 * with uploaded copies.
 */
export async function askReplaceUpload(
  trans: TranslationBundle,
  existing: string[],
  remoteDir: string
): Promise<boolean> {
  const shown =
    existing.slice(0, 5).join(', ') + (existing.length > 5 ? ', …' : '');
  const answer = await showDialog({
    title: trans._n(
      'Replace %1 entry?',
      'Replace %1 entries?',
      existing.length
    ),
    body: trans.__(
      'Already in %1: %2. Replace with the uploaded copies?',
      remoteDir,
      shown
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Replace') })
    ]
  });
  return answer.button.accept;
}
