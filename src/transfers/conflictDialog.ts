/**
 * A download that would replace workspace files differing from the storage's: the server ends
 * it in the state `conflict` (nothing written) and the user chooses what happens next.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { ITransfer, OnConflict } from '../apiTypes';
import { element } from '../dom';

/** How many of the conflicting paths the dialog lists. */
const LISTED = 10;

/**
 * Workspace files that differ from the storage's, in `folder`.
 */
export interface IConflict {
  folder: string;
  paths: string[];
  total: number;
}

/**
 * The conflict a download job ended with.
 */
export function jobConflict(job: ITransfer): IConflict {
  const paths = job.conflicts ?? [];
  const local = job.local ?? '';
  return {
    folder: (job.recursive ? local : PathExt.dirname(local)) || '/',
    paths,
    total: job.conflicts_total ?? paths.length
  };
}

/**
 * The user's answer: "overwrite", "skip" (keep the differing files, download the rest) or
 * null (cancel: nothing happens); `forAll` if they ticked "for all conflicts".
 */
export interface IConflictAnswer {
  choice: OnConflict | null;
  forAll: boolean;
}

/**
 * Ask what to do with workspace files that differ from the storage's; `offerForAll` adds
 * the "Do this for all conflicts" box (several downloads at once).
 */
export async function askConflict(
  conflict: IConflict,
  trans: TranslationBundle,
  offerForAll = false
): Promise<IConflictAnswer> {
  const { folder, paths, total } = conflict;
  const body = element(
    'div',
    'jp-CtadataConflict',
    element(
      'p',
      '',
      trans._n(
        '%1 file in “%2” differs from the storage.',
        '%1 files in “%2” differ from the storage.',
        total,
        folder
      )
    )
  );
  const list = element('ul', 'jp-CtadataConflict-list');
  for (const path of paths.slice(0, LISTED)) {
    list.append(element('li', '', path));
  }
  if (total > LISTED) {
    list.append(element('li', '', trans.__('and %1 more', total - LISTED)));
  }
  body.append(list);
  const answer = await showDialog({
    title: trans.__('Files differ from the storage'),
    body: new Widget({ node: body }),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Skip'), displayType: 'default' }),
      Dialog.warnButton({ label: trans.__('Overwrite') })
    ],
    // Enter keeps the user's files: the destructive choice is never the default.
    defaultButton: 1,
    checkbox: offerForAll
      ? { label: trans.__('Do this for all conflicts'), checked: false }
      : null
  });
  const choices: Record<string, OnConflict> = {
    [trans.__('Overwrite')]: 'overwrite',
    [trans.__('Skip')]: 'skip'
  };
  return {
    choice: choices[answer.button.label] ?? null,
    forAll: answer.isChecked === true
  };
}
