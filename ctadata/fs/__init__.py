"""`ctadata://`: the storage as an fsspec filesystem, its files read in place.

`filesystem.py` is the filesystem (`CtadataFileSystem`, fsspec's `ctadata://`), `files.py` its
open files and their read-ahead cache, `find.py` its `find` (the concurrent walk of
`ctadata.search`), `errors.py` how its failures become `ctadata` errors; each imports only those
after it.
Importing it imports webdav4 and fsspec, so `import ctadata` leaves it for the first use.
"""

from .filesystem import CtadataFileSystem, open_file

__all__ = ["CtadataFileSystem", "open_file"]
