import { previewKind } from '../preview/formats';
import { notebookContent } from '../preview/notebook';

describe('previewKind', () => {
  it('knows HDF5 and FITS files by their suffix, in any case', () => {
    expect(previewKind('run.h5')).toBe('hdf5');
    expect(previewKind('RUN.HDF5')).toBe('hdf5');
    expect(previewKind('events.fits')).toBe('fits');
    expect(previewKind('events.fits.gz')).toBe('fits');
    expect(previewKind('irf.fit')).toBe('fits');
  });

  it('has no preview for other files', () => {
    expect(previewKind('notes.txt')).toBeNull();
    expect(previewKind('archive.gz')).toBeNull();
    expect(previewKind('h5')).toBeNull();
  });
});

describe('notebookContent', () => {
  const sources = (path: string, kind: 'hdf5' | 'fits') =>
    (notebookContent(path, kind) as { cells: { source: string }[] }).cells.map(
      cell => cell.source
    );

  it('opens an HDF5 file in place with h5py, then lists it', () => {
    const [open, show] = sources('lst/DL1/run "1".h5', 'hdf5');
    expect(open).toContain('f = ctadata.open("lst/DL1/run \\"1\\".h5")');
    expect(open).toContain('h5 = h5py.File(f, "r")');
    expect(show).toContain('pd.DataFrame(');
  });

  it('opens a FITS file in place with astropy, then shows its HDUs', () => {
    const [open, show] = sources('cta/DL3/events.fits.gz', 'fits');
    expect(open).toContain('hdus = fits.open(f)');
    expect(show).toContain('hdus.info()');
  });
});
