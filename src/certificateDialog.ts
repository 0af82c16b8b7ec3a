/**
 * "Upload grid certificate...": pick a PEM file and the storage area, send it
 * to the certificate service through the server extension, show the answer.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { CertificateKey, CtadataClient } from './api';
import { asError } from './model';

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

    const intro = document.createElement('p');
    intro.className = 'jp-CtadataCertificate-intro';
    intro.textContent = trans.__(
      'Store your grid proxy certificate (a PEM file, valid for at most 7 days) so that the download service can reach the storage area on your behalf.'
    );

    const fileLabel = document.createElement('label');
    fileLabel.className = 'jp-CtadataCertificate-field';
    const fileText = document.createElement('span');
    fileText.textContent = trans.__('Certificate file (PEM)');
    this._file = document.createElement('input');
    this._file.type = 'file';
    this._file.name = 'certificate';
    this._file.accept =
      '.pem,.crt,.cer,.proxy,application/x-pem-file,text/plain';
    this._file.className = 'jp-CtadataCertificate-file';
    fileLabel.append(fileText, this._file);

    const keyLabel = document.createElement('label');
    keyLabel.className = 'jp-CtadataCertificate-field';
    const keyText = document.createElement('span');
    keyText.textContent = trans.__('Storage area');
    const wrapper = document.createElement('div');
    wrapper.className = 'jp-select-wrapper';
    this._key = document.createElement('select');
    this._key.name = 'certificate_key';
    this._key.className = 'jp-mod-styled';
    for (const value of CERTIFICATE_KEYS) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      option.selected = value === key;
      this._key.appendChild(option);
    }
    wrapper.appendChild(this._key);
    keyLabel.append(keyText, wrapper);

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
    const node = document.createElement('div');
    node.className = 'jp-CtadataCertificate-answer';
    const message = document.createElement('p');
    message.textContent =
      typeof answer.message === 'string'
        ? answer.message
        : trans.__('The certificate service accepted the certificate.');
    node.appendChild(message);
    const list = document.createElement('dl');
    const add = (label: string, value: string) => {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
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
    const node = document.createElement('div');
    node.className = 'jp-CtadataCertificate-answer jp-mod-error';
    if (fromService) {
      const intro = document.createElement('p');
      intro.textContent = trans.__('The certificate service answered:');
      node.appendChild(intro);
    }
    const text = document.createElement('p');
    text.className = 'jp-CtadataCertificate-error';
    text.textContent = message;
    node.appendChild(text);
    return new Widget({ node });
  }
}
