"""Opening a remote HDF5 or FITS file in place for the preview (run in a worker thread)."""

from __future__ import annotations

import contextlib
from typing import Any

from ctadata.config import Settings
from ctadata.errors import CtadataError, InvalidPath, NotFound

from .errors import ApiError
from .openfiles import Abandoned, GuardedFile, Handle

HDF5 = "hdf5"
FITS = "fits"
FORMAT_NAMES = {HDF5: "HDF5", FITS: "FITS"}


class RecordingFile(GuardedFile):
    """A guarded file that remembers why its last read failed.

    h5py and astropy turn a failed read into their own generic error ("file read failed");
    the remembered cause (refused token, lost service) is the one worth reporting.
    """

    error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        return self._recorded(super().read, size)

    def readinto(self, buffer: Any) -> int:
        return self._recorded(super().readinto, buffer)

    def _recorded(self, call: Any, argument: Any) -> Any:
        try:
            return call(argument)
        except BaseException as exc:
            self.error = exc
            raise


def open_remote(settings: Settings, path: str, kind: str) -> Handle:
    """The remote file `path` opened by the reader of `kind`; errors as the REST API's."""
    from ctadata.fs import open_file  # late: the filesystem is needed only once previewing

    try:
        raw = open_file(path, token=settings.token, downloadservice=settings.downloadservice)
    except FileNotFoundError as exc:
        raise NotFound(f"{path!r} does not exist in the storage", path=path) from exc
    except IsADirectoryError as exc:
        raise InvalidPath(f"{path!r} is a directory, not a file", path=path) from exc
    guarded = RecordingFile(raw)
    try:
        value, close = _READERS[kind](guarded)
    except Exception as exc:
        raw.close()
        raise _open_error(exc, guarded.error, path, kind) from None
    return Handle(value, lambda: _close_both(close, raw))


def _open_hdf5(f: Any) -> tuple[Any, Any]:
    import h5py

    h5 = h5py.File(f, "r")
    return h5, h5.close


def _open_fits(f: Any) -> tuple[Any, Any]:
    from astropy.io import fits

    hdus = fits.open(f, mode="readonly", lazy_load_hdus=True, memmap=False)
    return hdus, hdus.close


_READERS = {HDF5: _open_hdf5, FITS: _open_fits}


def _open_error(exc: Exception, cause: BaseException | None, path: str, kind: str) -> Exception:
    """Why `path` could not be opened: the storage's reason if a read failed, else the format."""
    if isinstance(cause, Abandoned):
        return cause
    if isinstance(cause, CtadataError):
        return cause
    if cause is not None:
        return ApiError(502, f"reading {path!r} failed: {cause}")
    name = FORMAT_NAMES[kind]
    return ApiError(
        415, f"{path!r} is not a valid {name} file ({type(exc).__name__}: {exc})", "not_" + kind
    )


def _close_both(close: Any, raw: Any) -> None:
    with contextlib.suppress(Exception):  # a reader may fail to close over a broken read
        close()
    raw.close()
