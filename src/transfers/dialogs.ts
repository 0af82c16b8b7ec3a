/**
 * The questions the actions ask before they replace something.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

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
    ],
    // Enter keeps what is in the storage: replacing must be chosen.
    defaultButton: 0
  });
  return answer.button.accept;
}
