"""What a FITS file holds, as JSON: its HDUs, their headers, and a table's first rows.

The file is read in place, so only the first rows of a table are read: their bytes are taken
from the table's data area and given to astropy as a table of that many rows (scaling, units
and column formats applied by astropy), never the whole table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from astropy.io import fits

MAX_ROWS = 1000
FITS_BLOCK = 2880
SHOWN_CELL_ITEMS = 16  # an array cell longer than this is summarized, not listed


def summary(hdus: fits.HDUList, rows: int) -> dict[str, Any]:
    return {"hdus": [_hdu(hdus, index, hdu, rows) for index, hdu in enumerate(hdus)]}


def _hdu(hdus: fits.HDUList, index: int, hdu: Any, rows: int) -> dict[str, Any]:
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
        table = _first_rows(hdus, index, hdu, rows)
        names = [c.name for c in hdu.columns]
        described["rows"] = [[_json(row[name]) for name in names] for row in table]
    elif header.get("NAXIS", 0) > 0:
        described["shape"] = [header[f"NAXIS{n}"] for n in range(header["NAXIS"], 0, -1)]
        described["bitpix"] = header.get("BITPIX")
    return described


def _first_rows(hdus: fits.HDUList, index: int, hdu: Any, rows: int) -> Any:
    """The table's first `rows` rows, reading only their bytes (no heap: no variable arrays)."""
    header = hdu.header.copy()
    count = min(rows, header.get("NAXIS2", 0))
    if header.get("PCOUNT", 0):
        return hdu.data[:count]  # variable-length columns point into the heap: astropy reads it
    info = hdus.fileinfo(index)
    source = info["file"]
    source.seek(info["datLoc"])
    raw = source.read(count * header["NAXIS1"])
    header["NAXIS2"] = count
    padding = b"\0" * (-len(raw) % FITS_BLOCK)
    part = type(hdu).fromstring(header.tostring().encode("ascii") + raw + padding)
    return part.data if part.data is not None else []


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
