/**
 * "Upload grid certificate...": pick a PEM file and the storage area, send it
 * to the certificate service through the server extension, show the answer.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { CtadataClient } from './api';
import { CertificateKey } from './apiTypes';
import { element } from './dom';
import { asError } from './errors';

/**
 * Bigger than any proxy certificate: refuse before reading it.
 */
const MAX_PEM_BYTES = 1024 * 1024;

export const CERTIFICATE_KEYS: CertificateKey[] = ['cta', 'lst', 'arc'];

export interface ICertificateChoice {
  file: File | null;
  key: CertificateKey;
}

/**
 * The body of the dialog: a file input and the storage area.
 */
export class CertificateBody
  extends Widget
  implements Dialog.IBodyWidget<ICertificateChoice>
{
  constructor(trans: TranslationBundle, key: CertificateKey) {
    super();
    this.addClass('jp-CtadataCertificate');

    const intro = element(
      'p',
      'jp-CtadataCertificate-intro',
      trans.__(
        'Store your grid proxy certificate (a PEM file, valid for at most 7 days) so that the download service can reach the storage area on your behalf.'
      )
    );

    this._file = element('input', 'jp-CtadataCertificate-file');
    this._file.type = 'file';
    this._file.name = 'certificate';
    this._file.accept =
      '.pem,.crt,.cer,.proxy,application/x-pem-file,text/plain';
    const fileLabel = element(
      'label',
      'jp-CtadataCertificate-field',
      element('span', '', trans.__('Certificate file (PEM)')),
      this._file
    );

    this._key = element('select', 'jp-mod-styled');
    this._key.name = 'certificate_key';
    for (const value of CERTIFICATE_KEYS) {
      const option = element('option', '', value);
      option.value = value;
      option.selected = value === key;
      this._key.appendChild(option);
    }
    const keyLabel = element(
      'label',
      'jp-CtadataCertificate-field',
      element('span', '', trans.__('Storage area')),
      element('div', 'jp-select-wrapper', this._key)
    );

    this.node.append(intro, fileLabel, keyLabel);
  }

  getValue(): ICertificateChoice {
    return {
      file: this._file.files?.[0] ?? null,
      key: this._key.value as CertificateKey
    };
  }

  private _file: HTMLInputElement;
  private _key: HTMLSelectElement;
}

/**
 * Run the whole dialog: choose, send, show the answer (and offer to try again).
 */
export async function uploadCertificateDialog(
  client: CtadataClient,
  trans: TranslationBundle,
  defaultKey: CertificateKey = 'lst'
): Promise<void> {
  let key = defaultKey;
  for (;;) {
    const body = new CertificateBody(trans, key);
    const result = await showDialog({
      title: trans.__('Upload grid certificate'),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Upload') })
      ],
      focusNodeSelector: 'input[type="file"]'
    });
    if (!result.button.accept || !result.value) {
      return;
    }
    key = result.value.key;
    const file = result.value.file;
    let failure: string | null = null;
    let fromService = false;
    let answer: Record<string, unknown> | null = null;
    if (!file) {
      failure = trans.__('No file was chosen.');
    } else if (file.size === 0) {
      failure = trans.__('The file %1 is empty.', file.name);
    } else if (file.size > MAX_PEM_BYTES) {
      failure = trans.__(
        'The file %1 is too big to be a certificate.',
        file.name
      );
    } else {
      try {
        const pem = await file.text();
        answer = await client.uploadCertificate(pem, key);
      } catch (error) {
        const err = asError(error);
        failure = err.message;
        fromService =
          err.reason === 'bad_request' || err.reason === 'unreachable';
      }
    }
    if (answer) {
      await showDialog({
        title: trans.__('Certificate stored'),
        body: Private.answerBody(answer, key, trans),
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return;
    }
    const retry = await showDialog({
      title: trans.__('Certificate not stored'),
      body: Private.failureBody(failure ?? '', fromService, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Close') }),
        Dialog.okButton({ label: trans.__('Choose another file') })
      ]
    });
    if (!retry.button.accept) {
      return;
    }
  }
}

namespace Private {
  export function answerBody(
    answer: Record<string, unknown>,
    key: CertificateKey,
    trans: TranslationBundle
  ): Widget {
    const message =
      typeof answer.message === 'string'
        ? answer.message
        : trans.__('The certificate service accepted the certificate.');
    const node = element(
      'div',
      'jp-CtadataCertificate-answer',
      element('p', '', message)
    );
    const list = element('dl');
    const add = (label: string, value: string) => {
      list.append(element('dt', '', label), element('dd', '', value));
    };
    add(trans.__('Storage area'), key);
    if (answer.validity !== undefined && answer.validity !== null) {
      add(trans.__('Valid until'), String(answer.validity));
    }
    node.appendChild(list);
    return new Widget({ node });
  }

  export function failureBody(
    message: string,
    fromService: boolean,
    trans: TranslationBundle
  ): Widget {
    const node = element('div', 'jp-CtadataCertificate-answer jp-mod-error');
    if (fromService) {
      node.appendChild(
        element('p', '', trans.__('The certificate service answered:'))
      );
    }
    node.appendChild(element('p', 'jp-CtadataCertificate-error', message));
    return new Widget({ node });
  }
}
