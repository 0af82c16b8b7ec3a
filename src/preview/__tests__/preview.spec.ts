import { previewKind } from '../formats';
import { seedH5webDefaults } from '../h5webDefaults';
import { notebookContent } from '../notebook';

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

describe('seedH5webDefaults', () => {
  beforeEach(() => localStorage.clear());

  it("sets h5web's notation and aspect options where none are stored", () => {
    seedH5webDefaults(localStorage);
    expect(JSON.parse(localStorage.getItem('h5web:matrix')!)).toEqual({
      state: { notation: 'Auto' },
      version: 4
    });
    expect(JSON.parse(localStorage.getItem('h5web:heatmap')!)).toEqual({
      state: { keepRatio: false },
      version: 12
    });
  });

  it('keeps the options the user chose in h5web', () => {
    const chosen = JSON.stringify({
      state: { notation: 'Scientific' },
      version: 4
    });
    localStorage.setItem('h5web:matrix', chosen);
    seedH5webDefaults(localStorage);
    expect(localStorage.getItem('h5web:matrix')).toBe(chosen);
  });
});
