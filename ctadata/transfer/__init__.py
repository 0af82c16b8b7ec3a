"""Transfers between the storage and local files, for any storage endpoint.

`engine.py` is what users call (single files, trees, concurrency, conflicts); `plan.py` what
happens to each local file before anything moves; `one_file.py` one file's bytes (streamed,
atomic, resumed, retried by `ctadata.retry`'s policy); `tree.py` many files at once; `local.py`
local files opened without following links; `checksum.py` + `identity.py` the adler32 checks
and "same file"; `pipe.py` a request body passed on with back-pressure; `progress.py` the meter
and progress bars.
"""
