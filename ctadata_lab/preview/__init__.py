"""Looking inside remote files without downloading them.

`openfiles.py` keeps one reader process per open file (`preview_worker.py`), which reads it in
place (`remote_readers.py`) and answers h5grove's questions (`h5content.py`, kept to the file
itself by `h5contained.py`) or FITS ones (`fitsinfo.py`).
"""
