"""`TransferService`: the transfers of one Jupyter server, as its handlers and jobs use them.

`app.py` builds one when the extension starts and hands it to the handlers through the tornado
settings (`TransferService.SETTINGS_KEY`); the rules, the jobs' work and the resume of a
restarted server take it as their one argument about the server. None of them sees the
extension application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ctadata.aclient import AsyncAPIClient
from ctadata.client import APIClient

from ..workspace import Workspace
from .jobs import Job, JobManager


@dataclass(frozen=True)
class TransferService:
    # the Jupyter server's root directory, and whether hidden files may be used
    workspace: Workspace
    jobs: JobManager  # the jobs, their worker threads and their journal
    aclient: AsyncAPIClient  # the server's client of the services, on its event loop
    job_client: Callable[[Job], APIClient]  # a synchronous client for one job's worker thread
    max_queued_transfers: int  # jobs waiting at most; past this, a 429
    max_upload_size: int  # bytes of one browser upload at most

    SETTINGS_KEY: ClassVar[str] = "ctadata_transfers"
