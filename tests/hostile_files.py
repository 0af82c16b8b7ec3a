"""HDF5 and FITS files that a stranger could put into the shared storage, written fast.

`secret` is a local file of the machine that runs the Jupyter server (the test's own): the
files that point at it try to make the preview read it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import h5py
import numpy as np
from astropy.io import fits

MiB = 1024 * 1024
BOMB_CHUNK = 8 * MiB  # bytes of zeros per chunk of the bomb
BOMB_CHUNKS = 256  # 2 GiB in all
MEMBERS = 1_000_000
DEPTH = 4000


def external_storage(path: Path, secret: Path) -> None:
    """Datasets whose data is a local file of the server (HDF5 external storage)."""
    with h5py.File(path, "w") as h5:
        h5.create_dataset(
            "secret",
            (secret.stat().st_size,),
            "u1",
            external=[(str(secret), 0, h5py.h5f.UNLIMITED)],
        )
        h5.create_dataset("environ", (4096,), "u1", external=[("/proc/self/environ", 0, 4096)])


def external_link(path: Path, secret: Path) -> None:
    """An external link to a local HDF5 file of the server."""
    with h5py.File(path, "w") as h5:
        h5["away"] = h5py.ExternalLink(str(secret), "/")
        h5["here"] = np.arange(3)


def virtual(path: Path, secret: Path) -> None:
    """A virtual dataset whose source is a local HDF5 file of the server."""
    with h5py.File(secret) as local:
        shape, dtype = local["secret"].shape, local["secret"].dtype
    layout = h5py.VirtualLayout(shape, dtype)
    layout[:] = h5py.VirtualSource(str(secret), "secret", shape)
    with h5py.File(path, "w") as h5:
        h5.create_virtual_dataset("vds", layout)


def secret_hdf5(path: Path, words: bytes) -> None:
    with h5py.File(path, "w") as h5:
        h5["secret"] = np.frombuffer(words, "u1")


def bomb(path: Path) -> None:
    """2 GiB of gzip'd zeros in about 2 MB: one compressed chunk written 256 times."""
    itemsize = 8
    chunk = BOMB_CHUNK // itemsize
    packed = zlib.compress(bytes(BOMB_CHUNK), 9)
    with h5py.File(path, "w") as h5:
        data = h5.create_dataset(
            "zeros", (chunk * BOMB_CHUNKS,), "<f8", chunks=(chunk,), compression="gzip"
        )
        for n in range(BOMB_CHUNKS):
            data.id.write_direct_chunk((n * chunk,), packed)


def huge_attribute(path: Path, size: int) -> None:
    with h5py.File(path, "w", libver="latest") as h5:  # dense attribute storage: no 64 KiB cap
        h5.attrs["huge"] = np.zeros(size, "u1")
        h5.attrs["small"] = 1


def deep(path: Path) -> None:
    with h5py.File(path, "w") as h5:
        h5.create_group("/".join(["g"] * DEPTH))


def many_members(path: Path) -> None:
    """A group of a million members: hard links to one dataset (12 s; groups take longer)."""
    with h5py.File(path, "w", libver="latest") as h5:
        h5["x"] = 1
        group, root = h5.create_group("many").id, h5["/"].id
        for n in range(MEMBERS):
            group.links.create_hard(b"m%d" % n, root, b"x")


def corrupt_superblock(path: Path) -> None:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5["x"] = np.arange(10)
    data = bytearray(buffer.getvalue())
    data[8:48] = b"\xff" * 40  # after the signature: versions, sizes, addresses
    path.write_bytes(bytes(data))


def self_link(path: Path) -> None:
    """A group holding a soft link to itself, beside a dataset."""
    with h5py.File(path, "w") as h5:
        group = h5.create_group("g")
        group["loop"] = h5py.SoftLink("/g/loop")
        group["values"] = np.arange(4)


# -- FITS ------------------------------------------------------------------------------------
def fits_table() -> bytes:
    columns = [fits.Column("A", "E", array=np.arange(5.0)), fits.Column("B", "8A", array=["x"] * 5)]
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(columns)]).writeto(buffer)
    return buffer.getvalue()


def ascii_table() -> bytes:
    buffer = io.BytesIO()
    table = fits.TableHDU.from_columns([fits.Column("A", "E10.3", array=np.arange(5.0))])
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(buffer)
    return buffer.getvalue()


def with_card(data: bytes, keyword: str, value: str | None) -> bytes:
    """`data` with the card `keyword` of its second HDU replaced (None: blanked)."""
    raw = bytearray(data)
    at = raw.index(keyword.ljust(8).encode(), 2880)
    card = " " * 80 if value is None else f"{keyword:<8}= {value:>20}".ljust(80)
    raw[at : at + 80] = card.encode()
    return bytes(raw)


MALFORMED_FITS = {
    "tform": lambda: with_card(fits_table(), "TFORM1", "'1000000000000A'"),
    "nottype": lambda: with_card(fits_table(), "TTYPE1", None),
    "ascii-naxis1": lambda: with_card(ascii_table(), "NAXIS1", "1000000000"),
    "pcount": lambda: with_card(fits_table(), "PCOUNT", "1000000000000"),
}


def fits_bomb() -> bytes:
    """A gzip'd FITS file of 2 GiB: an image of zeros, then a table, in about 2 MB."""
    image = fits.PrimaryHDU().header
    image["BITPIX"], image["NAXIS"] = 8, 2
    image["NAXIS1"], image["NAXIS2"] = 1 << 16, 1 << 15
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    parts = [packer.compress(image.tostring().encode())]
    zeros = bytes(16 * MiB)
    parts += [packer.compress(zeros) for _ in range(128)]
    parts += [packer.compress(fits_table()[2880:]), packer.flush()]
    return b"".join(parts)


def heap_table(rows: int, cell: int) -> bytes:
    """A table with a variable-length column: `rows` arrays of `cell` float32 in its heap."""
    column = fits.Column("V", f"PE({cell})", array=[np.zeros(cell, "f4")] * rows)
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns([column])]).writeto(buffer)
    return buffer.getvalue()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, 1)
