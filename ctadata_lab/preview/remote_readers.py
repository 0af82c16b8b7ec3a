"""Opening a remote HDF5 or FITS file in place for the preview (run in a worker thread)."""

from __future__ import annotations

import contextlib
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ctadata.config import Settings
from ctadata.errors import CtadataError, InvalidPath, NotFound

from .. import errors
from ..errors import ApiError

HDF5 = "hdf5"
FITS = "fits"
FORMAT_NAMES = {HDF5: "HDF5", FITS: "FITS"}


@dataclass
class Handle:
    """One open remote file: the reader's object (`h5py.File`, an `HDUList`) and its closer."""

    value: Any
    close: Callable[[], None]
    source: RecordingFile  # the remote file under the reader


class RecordingFile:
    """A remote file object that remembers why its last read failed.

    h5py and astropy turn a failed read into their own generic error ("file read failed");
    the remembered cause (refused token, lost service) is the one worth reporting.
    """

    error: BaseException | None = None

    def __init__(self, raw: Any):
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        return self._recorded(self._raw.read, size)

    def readinto(self, buffer: Any) -> int:
        return self._recorded(self._raw.readinto, buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def _recorded(self, call: Any, argument: Any) -> Any:
        try:
            return call(argument)
        except BaseException as exc:
            self.error = exc
            raise


def open_remote(settings: Settings, path: str, kind: str, limit: int) -> Handle:
    """The remote file `path` opened by the reader of `kind`; errors as the REST API's.
    A gzip'd FITS file is read decompressed, `limit` bytes at most."""
    from ctadata.fs.filesystem import (
        open_file,  # late: the filesystem is needed only once previewing
    )

    try:
        raw = open_file(path, token=settings.token, downloadservice=settings.downloadservice)
    except FileNotFoundError as exc:
        raise NotFound(f"{path!r} does not exist in the storage", path=path) from exc
    except IsADirectoryError as exc:
        raise InvalidPath(f"{path!r} is a directory, not a file", path=path) from exc
    guarded = RecordingFile(raw)
    try:
        value, close = _READERS[kind](_decompressed(guarded, limit) if kind == FITS else guarded)
    except Exception as exc:
        raw.close()
        raise _open_error(exc, guarded.error, path, kind) from None
    return Handle(value, lambda: _close_both(close, raw), guarded)


class BoundedGzip(gzip.GzipFile):
    """A gzip'd file read decompressed, never past `limit` decompressed bytes: a gzip bomb (a
    few MB that decompress to gigabytes) is refused before it is decompressed (413)."""

    def __init__(self, fileobj: Any, limit: int):
        super().__init__(fileobj=fileobj, mode="rb")
        self.limit = limit

    def read(self, size: int | None = -1) -> bytes:
        self._check(self.tell() + size if size is not None and size >= 0 else None)
        return super().read(size)

    def read1(self, size: int = -1) -> bytes:
        self._check(self.tell() + size if size >= 0 else None)
        return super().read1(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 0:
            self._check(offset)
        elif whence == 2 or offset:  # tell() is seek(0, 1): nothing to check there
            self._check(super().seek(0, 1) + offset if whence == 1 else None)
        return super().seek(offset, whence)

    def _check(self, end: int | None) -> None:
        if end is None or end > self.limit:
            raise errors.too_large(
                f"the file decompresses to more than {self.limit:,} bytes",
                self.limit,
                "ask for fewer rows",
            )


def _decompressed(raw: Any, limit: int) -> Any:
    """`raw` read decompressed if it is gzip'd (`.fits.gz`), else `raw` itself."""
    magic = raw.read(2)
    raw.seek(0)
    return BoundedGzip(raw, limit) if magic == b"\x1f\x8b" else raw


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
    """Why `path` could not be opened: the storage's reason if a read failed, a bound's
    refusal, else the format."""
    if isinstance(exc, ApiError):
        return exc
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
