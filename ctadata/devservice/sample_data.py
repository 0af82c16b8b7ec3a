"""Sample data for the development storage: a small tree shaped like the CTA-CH one.

    lst/DL1/<date>/v0.1/tailcut84/dl1_LST-1.Run<run>.<subrun>.h5   real HDF5 files (h5py)
    lst/DL1/20241115/v0.1/tailcut84/dl1_LST-1.Run16010.h5          ~50 MB (optional)
    lst/monitoring/<date>/Run<run>/subrun_<n>.json                  a few hundred small files
    cta/DL3/Prod5b/...                                              HDF5 and text
    cta/DL3/LST-1/dl3_LST-1.Run16000.fits                           a FITS event list
    lst/users/, cta/users/                                          the upload folders (empty)

Everything is deterministic (seeded random numbers, no HDF5 timestamps, fixed file times),
so two runs give the same bytes and the same listings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import h5py
import numpy as np

N_PIXELS = 1855  # pixels of the LST camera
DATES = ("20241114", "20241115")
RUNS = {"20241114": (16000, 16001, 16002), "20241115": (16010, 16011, 16012)}
SUBRUNS_PER_RUN = 50
LARGE_FILE_BYTES = 50 * 1024 * 1024

_PARAMETERS = np.dtype(
    [
        ("obs_id", "<i8"),
        ("event_id", "<i8"),
        ("intensity", "<f8"),
        ("x", "<f8"),
        ("y", "<f8"),
        ("length", "<f8"),
        ("width", "<f8"),
        ("psi", "<f8"),
        ("event_type", "<i4"),
    ]
)


def _file_time(date: str, hour: int = 12) -> float:
    day = dt.datetime.strptime(date, "%Y%m%d").replace(tzinfo=dt.timezone.utc)
    return (day + dt.timedelta(hours=hour)).timestamp()


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def _parameters(rng: np.random.Generator, obs_id: int, n_events: int) -> np.ndarray:
    table = np.zeros(n_events, dtype=_PARAMETERS)
    table["obs_id"] = obs_id
    table["event_id"] = np.arange(n_events)
    table["intensity"] = rng.lognormal(5.0, 1.0, n_events)
    table["x"], table["y"] = rng.normal(0, 0.3, (2, n_events))
    table["length"] = rng.gamma(2.0, 0.05, n_events)
    table["width"] = table["length"] * rng.uniform(0.2, 0.8, n_events)
    table["psi"] = rng.uniform(-np.pi / 2, np.pi / 2, n_events)
    table["event_type"] = 32
    return table


def write_dl1_file(path: Path, obs_id: int, n_events: int, seed: int) -> None:
    """A small DL1 file in the lstchain layout: parameters table, images, some metadata."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w", track_order=False) as f:
        f.attrs["CTA PRODUCT DATA LEVELS"] = "DL1_IMAGES,DL1_PARAMETERS"
        f.attrs["OBS_ID"] = obs_id
        params = f.create_group("dl1/event/telescope/parameters")
        params.create_dataset(
            "LST_LSTCam", data=_parameters(rng, obs_id, n_events), track_times=False
        )
        images = f.create_group("dl1/event/telescope/image")
        image = rng.exponential(2.0, (n_events, N_PIXELS)).astype("<f4")
        images.create_dataset("LST_LSTCam", data=image, track_times=False, chunks=True)
        config = f.create_group("configuration/instrument/telescope")
        config.create_dataset("pix_id", data=np.arange(N_PIXELS, dtype="<i4"), track_times=False)


def write_large_file(path: Path, size: int = LARGE_FILE_BYTES, seed: int = 7) -> None:
    """A real HDF5 file of about `size` bytes: one dataset of incompressible waveforms."""
    rng = np.random.default_rng(seed)
    rows = size // (N_PIXELS * 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        f.attrs["OBS_ID"] = 16010
        waveforms = f.create_dataset(
            "r1/event/telescope/waveform", (rows, N_PIXELS), dtype="<u2", track_times=False
        )
        step = 4096  # written in slices so that building it never needs 50 MB at once
        for start in range(0, rows, step):
            stop = min(rows, start + step)
            waveforms[start:stop] = rng.integers(0, 4096, (stop - start, N_PIXELS), dtype="<u2")


def _dl1_tree(root: Path) -> None:
    base = root / "lst" / "DL1"
    for date in DATES:
        for i, run in enumerate(RUNS[date][:2]):
            for subrun in range(2 if i == 0 else 1):
                name = f"dl1_LST-1.Run{run:05d}.{subrun:04d}.h5"
                path = base / date / "v0.1" / "tailcut84" / name
                write_dl1_file(path, run, n_events=40, seed=run * 100 + subrun)
                _touch(path, _file_time(date, 10 + subrun))


def _monitoring_tree(root: Path) -> None:
    for date in DATES:
        for run in RUNS[date]:
            run_dir = root / "lst" / "monitoring" / date / f"Run{run:05d}"
            run_dir.mkdir(parents=True, exist_ok=True)
            for subrun in range(SUBRUNS_PER_RUN):
                path = run_dir / f"subrun_{subrun:04d}.json"
                record = {"run": run, "subrun": subrun, "trigger_rate_hz": 7000 + subrun * 3}
                path.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
                _touch(path, _file_time(date, 20) + subrun * 60)


def _cta_tree(root: Path) -> None:
    base = root / "cta" / "DL3" / "Prod5b"
    base.mkdir(parents=True, exist_ok=True)
    readme = base / "README.txt"
    readme.write_text("Sample DL3 files of the ctadata development service.\n", encoding="utf-8")
    write_dl1_file(base / "irf_south_z20_50h.h5", obs_id=0, n_events=10, seed=5)
    for path in (readme, base / "irf_south_z20_50h.h5"):
        _touch(path, _file_time("20241101"))


def write_events_fits(path: Path, obs_id: int, rows: int = 1000) -> None:
    """A small DL3 event list: a primary HDU and an EVENTS table (event ids, energies)."""
    from astropy.io import fits  # imported when used: it takes a while to import

    columns = [
        fits.Column("EVENT_ID", "K", array=np.arange(rows)),
        fits.Column("ENERGY", "E", unit="TeV", array=np.linspace(0.03, 30.0, rows)),
    ]
    events = fits.BinTableHDU.from_columns(columns, name="EVENTS")
    events.header["OBS_ID"] = obs_id
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.HDUList([fits.PrimaryHDU(), events]).writeto(path, overwrite=True)


def _dl3_tree(root: Path) -> None:
    path = root / "cta" / "DL3" / "LST-1" / "dl3_LST-1.Run16000.fits"
    write_events_fits(path, obs_id=16000)
    _touch(path, _file_time("20241114", 14))


def make_sample_data(root: str | Path, *, large_file: bool = True) -> Path:
    """Fill `root` with the sample tree (existing files are overwritten); return `root`."""
    root = Path(root)
    for area in ("lst", "cta"):
        (root / area / "users").mkdir(parents=True, exist_ok=True)
    _dl1_tree(root)
    _monitoring_tree(root)
    _cta_tree(root)
    _dl3_tree(root)
    if large_file:
        path = root / "lst/DL1/20241115/v0.1/tailcut84/dl1_LST-1.Run16010.h5"
        write_large_file(path)
        _touch(path, _file_time("20241115", 18))
    return root
