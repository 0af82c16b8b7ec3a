"""What a FITS file holds, as JSON: its HDUs, their headers, and a table's first rows.

The file is read in place, so only the first rows of a table are read: their bytes are taken
from the table's data area and given to astropy as a table of that many rows (scaling, units
and column formats applied by astropy), never the whole table. For variable-length columns,
only the arrays those rows point to are read from the heap, into a heap of their own (at most
the bound of one answer, else a 413). A header that contradicts the file (data past its end,
a column astropy cannot make) is a 415, as for a file that is not FITS.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from astropy.io import fits
from astropy.io.fits.column import _FormatP

from .. import errors
from ..errors import ApiError

MAX_ROWS = 1000
FITS_BLOCK = 2880
SHOWN_CELL_ITEMS = 16  # an array cell longer than this is summarized, not listed


def summary(hdus: fits.HDUList, rows: int, limit: int) -> dict[str, Any]:
    """The HDUs with their headers and first `rows` rows; at most `limit` bytes read or sent."""
    try:
        answer = {"hdus": [_hdu(hdus, index, hdu, rows, limit) for index, hdu in enumerate(hdus)]}
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise malformed(f"{type(exc).__name__}: {exc}") from None
    size = len(json.dumps(answer))
    if size > limit:
        raise too_large("the answer", size, limit)
    return answer


def malformed(why: str) -> ApiError:
    return ApiError(415, f"the FITS file is malformed ({why})", "not_fits")


def too_large(what: str, size: int, limit: int) -> ApiError:
    return errors.too_large(f"{what} is {size:,} bytes", limit, "ask for fewer rows")


def _hdu(hdus: fits.HDUList, index: int, hdu: Any, rows: int, limit: int) -> dict[str, Any]:
    header = hdu.header
    described: dict[str, Any] = {
        "index": index,
        "name": hdu.name,
        "type": type(hdu).__name__,
        "header": [[card.keyword, _json(card.value), card.comment] for card in header.cards],
    }
    if isinstance(hdu, fits.BinTableHDU | fits.TableHDU):
        described["nrows"] = header.get("NAXIS2", 0)
        described["columns"] = [
            {"name": c.name, "format": str(c.format), "unit": c.unit} for c in hdu.columns
        ]
        table = _first_rows(hdus, index, hdu, rows, limit)
        names = [c.name for c in hdu.columns]
        described["rows"] = [[_json(row[name]) for name in names] for row in table]
    elif header.get("NAXIS", 0) > 0:
        described["shape"] = [header[f"NAXIS{n}"] for n in range(header["NAXIS"], 0, -1)]
        described["bitpix"] = header.get("BITPIX")
    return described


def _first_rows(hdus: fits.HDUList, index: int, hdu: Any, rows: int, limit: int) -> Any:
    """The table's first `rows` rows, reading only their bytes (no heap: no variable arrays)."""
    header = hdu.header.copy()
    width, height, heap = (_count(header, key) for key in ("NAXIS1", "NAXIS2", "PCOUNT"))
    info = hdus.fileinfo(index)
    source = info["file"]
    end = info["datLoc"] + width * height + heap
    if source.compression is None and end > source.size:
        raise malformed(f"HDU {index} declares data up to byte {end:,}, past the end of the file")
    count = min(rows, height)
    if count * width > limit:
        raise too_large(f"the first {count} rows of HDU {index}", count * width, limit)
    source.seek(info["datLoc"])
    raw = source.read(count * width)
    header["NAXIS2"] = count
    if heap:
        heap_at = info["datLoc"] + header.pop("THEAP", width * height)
        raw, own_heap = _with_own_heap(hdu, raw, count, source, heap_at, limit)
        header["PCOUNT"] = len(own_heap)
        raw += own_heap
    padding = b"\0" * (-len(raw) % FITS_BLOCK)
    part = type(hdu).fromstring(header.tostring().encode("ascii") + raw + padding)
    return part.data if part.data is not None else []


def _with_own_heap(
    hdu: Any, raw: bytes, count: int, source: Any, heap_at: int, limit: int
) -> tuple[bytes, bytes]:
    """`count` rows (`raw`) whose variable-length arrays are read from the heap at `heap_at`
    into a heap of their own, their descriptors pointing there: the rows and that heap."""
    layout = hdu.columns.dtype.newbyteorder(">")  # FITS is big-endian
    rows = np.frombuffer(raw, layout, count).copy()
    places = []  # (column, row, offset in the heap, bytes)
    for name, form in zip(layout.names, hdu.columns._recformats, strict=True):
        if isinstance(form, _FormatP):  # P and Q: (item count, heap offset) descriptors
            itemsize = max(np.dtype(form.dtype).itemsize, 1)
            places += [(name, n, int(d[1]), int(d[0]) * itemsize) for n, d in enumerate(rows[name])]
    size = sum(length for *_, length in places)
    if size > limit:
        raise too_large(f"the arrays of the first {count} rows", size, limit)
    heap = bytearray()
    for name, n, offset, length in places:
        if offset < 0 or length < 0:
            raise malformed(f"column {name} points outside its heap")
        source.seek(heap_at + offset)
        rows[name][n, 1] = len(heap)
        heap += source.read(length)
    return rows.tobytes(), bytes(heap)


def _count(header: fits.Header, key: str) -> int:
    value = header.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise malformed(f"{key} = {value!r} is not a count")
    return value


def _json(value: Any) -> Any:
    """A header value or a table cell as JSON (no NaN; bytes as text; long arrays summarized)."""
    if isinstance(value, np.ndarray):
        if value.size > SHOWN_CELL_ITEMS:
            return f"<{' x '.join(map(str, value.shape))} {value.dtype}>"
        return [_json(v) for v in value.tolist()]
    if isinstance(value, np.floating):
        value = float(str(value))  # its shortest text: 0.03 for a float32, not 0.0299999993
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return str(value)  # e.g. astropy's Undefined of a keyword without value
