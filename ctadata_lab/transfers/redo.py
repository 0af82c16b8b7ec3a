"""What starting a job again needs (`Job.redo`), as the journal keeps it: one type per kind.

A download keeps its conflict choice (`{"on_conflict": "ask"}`): its remote path, workspace
target and whether it is a folder are the job's own fields; its entry is asked again when it
runs, as the remote file may have changed. An upload keeps its remote path relative to the
user folder (`{"remote": "dir/name"}`), as the job's `path` may name the user folder too.
Journals written before these types have the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ctadata.transfer.plan import OnConflict, conflict_mode


@dataclass(frozen=True)
class DownloadRedo:
    on_conflict: OnConflict

    def to_json(self) -> dict[str, Any]:
        return {"on_conflict": self.on_conflict}


@dataclass(frozen=True)
class UploadRedo:
    remote: str  # relative to the user's upload folder

    def to_json(self) -> dict[str, Any]:
        return {"remote": self.remote}


Redo = DownloadRedo | UploadRedo


def redo_from_json(kind: str, record: Any) -> Redo:
    """The `redo` of a job of `kind` from its JSON; KeyError, TypeError or ValueError if that
    cannot be one."""
    if not isinstance(record, dict):
        raise TypeError(f"a job's redo must be an object, not {record!r:.40}")
    if kind == "download":
        return DownloadRedo(conflict_mode(str(record["on_conflict"])))
    if kind == "upload":
        remote = record["remote"]
        if not isinstance(remote, str):
            raise TypeError(f"an upload's remote path must be a string, not {remote!r:.40}")
        return UploadRedo(remote)
    raise ValueError(f"a {kind!r} job is not started again")
