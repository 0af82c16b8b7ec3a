/**
 * "Open in New Notebook": a notebook, next to the user's work, that opens a
 * remote file in place and shows what it holds.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { Contents } from '@jupyterlab/services';

import { baseName } from '../paths';
import { PreviewKind } from './formats';

const HDF5_CELLS = (path: string): string[] => [
  [
    'import ctadata',
    'import h5py',
    'import pandas as pd',
    '',
    '# Read in place: only the parts of the file that are looked at are transferred.',
    `f = ctadata.open(${JSON.stringify(path)})`,
    'h5 = h5py.File(f, "r")'
  ].join('\n'),
  [
    'datasets = []',
    'h5.visititems(lambda name, obj: datasets.append(obj) if isinstance(obj, h5py.Dataset) else None)',
    'for ds in datasets:',
    '    print(f"{ds.name}: shape {ds.shape}, dtype {ds.dtype}")',
    '',
    '# The first table (a compound dataset), as a DataFrame: its first 1,000 rows.',
    'tables = [ds for ds in datasets if ds.dtype.names]',
    'pd.DataFrame(tables[0][:1000]) if tables else None'
  ].join('\n')
];

const FITS_CELLS = (path: string): string[] => [
  [
    'import ctadata',
    'from astropy.io import fits',
    'from astropy.table import Table',
    '',
    '# Read in place: only the parts of the file that are looked at are transferred.',
    `f = ctadata.open(${JSON.stringify(path)})`,
    'hdus = fits.open(f)'
  ].join('\n'),
  [
    'hdus.info()',
    '',
    '# The first table HDU, as a table (its first 20 rows).',
    'tables = [hdu for hdu in hdus if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU))]',
    'Table.read(tables[0])[:20] if tables else hdus[0].header'
  ].join('\n')
];

/**
 * The notebook's content: one cell opening the file, one showing it.
 */
export function notebookContent(path: string, kind: PreviewKind): object {
  const sources = kind === 'hdf5' ? HDF5_CELLS(path) : FITS_CELLS(path);
  return {
    cells: sources.map(source => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        display_name: 'Python 3',
        language: 'python',
        name: 'python3'
      }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

/**
 * `<folder>/<file name>.ipynb` (suffixes dropped), or `-1`, `-2`... if taken.
 */
async function freeName(
  contents: Contents.IManager,
  folder: string,
  path: string
): Promise<string> {
  const stem = baseName(path).replace(/(\.fits)?(\.[^.]+)?$/i, '') || 'remote';
  for (let n = 0; ; n++) {
    const candidate = PathExt.join(folder, `${stem}${n ? `-${n}` : ''}.ipynb`);
    try {
      await contents.get(candidate, { content: false });
    } catch {
      return candidate;
    }
  }
}

/**
 * Create the notebook in `folder` (a workspace path); return its path.
 */
export async function createNotebook(
  contents: Contents.IManager,
  folder: string,
  path: string,
  kind: PreviewKind
): Promise<string> {
  const target = await freeName(contents, folder, path);
  await contents.save(target, {
    type: 'notebook',
    format: 'json',
    content: notebookContent(path, kind)
  });
  return target;
}
