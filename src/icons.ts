/**
 * The icons of the extension (theme-aware: the `jp-icon*` classes recolour them).
 */
import { LabIcon } from '@jupyterlab/ui-components';

const storageSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M11 3C6.6 3 3 4.3 3 6v12c0 1.7 3.6 3 8 3 .7 0 1.4 0 2-.1v-2c-.6.1-1.3.1-2 .1-3.9 0-6-1.1-6-1.5v-2.3c1.5.7 3.6 1.1 6 1.1.7 0 1.4 0 2-.1v-2c-.6.1-1.3.1-2 .1-3.9 0-6-1.1-6-1.5V9.3C6.5 10 8.6 10.4 11 10.4s4.5-.4 6-1.1V11h2V6c0-1.7-3.6-3-8-3zm0 5.4C7.1 8.4 5 7.3 5 6.9S7.1 5 11 5s6 1.1 6 1.5-2.1 1.9-6 1.9z"/>
    <path d="M19 13l.9 2.6 2.6.9-2.6.9L19 20l-.9-2.6-2.6-.9 2.6-.9z"/>
  </g>
</svg>`;

const transferSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M7 3l-4 4h3v7h2V7h3L7 3zm10 14V10h-2v7h-3l4 4 4-4h-3z"/>
  </g>
</svg>`;

const certificateSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1h-5v-2h4V5H5v9h4v2H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm3 4h10v2H7V7zm0 3h6v2H7v-2zm5 3a3 3 0 0 1 2 5.2V22l-2-1-2 1v-3.8A3 3 0 0 1 12 13z"/>
  </g>
</svg>`;

export const ctaStorageIcon = new LabIcon({
  name: 'ctadata-lab:storage',
  svgstr: storageSvg
});

export const transferIcon = new LabIcon({
  name: 'ctadata-lab:transfer',
  svgstr: transferSvg
});

export const certificateIcon = new LabIcon({
  name: 'ctadata-lab:certificate',
  svgstr: certificateSvg
});
