"""`CtadataLab`: the Jupyter server extension application: its settings, and the services it
builds from them for the handlers (`RemoteServices`, `TransferService`, `PreviewService`,
handed over through the tornado settings; no other module of the extension imports this one).
"""

from __future__ import annotations

import functools
import os
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Int, Unicode, default

from ctadata.aclient import AsyncAPIClient
from ctadata.config import (
    DEFAULT_CERTIFICATESERVICE,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_DOWNLOADSERVICE,
    MAX_UPLOAD_BYTES,
    Settings,
    check_token,
)
from ctadata.errors import AuthenticationError

from .handlers import routes
from .hub_signals import stop_on_sigint
from .preview import preview_worker
from .preview.openfiles import OpenFiles
from .preview.service import PreviewService
from .remote import RemoteServices
from .transfers.jobclient import job_client
from .transfers.jobs import JobManager
from .transfers.journal import Journal, journal_path
from .transfers.records import KEEP_FINISHED, MAX_FINISHED
from .transfers.resume import resume_jobs
from .transfers.service import TransferService
from .workspace import Workspace


class CtadataLab(ExtensionApp):
    """The CTA data services in JupyterLab: listings, transfers, certificates."""

    name = "ctadata_lab"
    load_other_extensions = True

    downloadservice_url = Unicode(
        config=True, help="Download service base URL (default: $CTADS_URL, else production)."
    )
    certificateservice_url = Unicode(
        config=True, help="Certificate service base URL (default: $CTACS_URL, else production)."
    )
    token = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Token for the services (default: $JUPYTERHUB_API_TOKEN). Never logged or shown.",
    )
    hub_user = Unicode(
        None,
        allow_none=True,
        config=True,
        help="The JupyterHub user name, which names the upload folder (default: $JUPYTERHUB_USER;"
        " else asked from the hub at $JUPYTERHUB_API_URL, if set). Needed only to make missing"
        " folders of an upload.",
    )
    max_concurrent_transfers = Int(
        4, config=True, help="Transfer jobs running at once; later ones wait, queued."
    )
    chunk_size = Int(DEFAULT_CHUNK_SIZE, config=True, help="Chunk size asked from the services.")
    max_queued_transfers = Int(
        100, config=True, help="Transfer jobs waiting at most; past this, new ones get a 429."
    )
    max_finished_transfers = Int(
        MAX_FINISHED,
        config=True,
        help="Finished transfer jobs listed (and kept across restarts) at most, for an hour"
        " each; past this, the oldest are forgotten.",
    )
    max_concurrent_searches = Int(
        4, config=True, help="Searches (`find`) running at once; past this, new ones get a 429."
    )
    max_upload_size = Int(
        MAX_UPLOAD_BYTES,
        config=True,
        help="Largest browser upload accepted, in bytes (default 1 TiB).",
    )

    preview_idle_seconds = Int(
        300,
        config=True,
        help="A remote file opened for the preview is closed after this idle time.",
    )
    preview_max_open_files = Int(
        8,
        config=True,
        help="Remote files held open for the preview at once, each in a process of its own.",
    )
    preview_max_answer_bytes = Int(
        64 * 1024 * 1024,
        config=True,
        help="Most bytes one preview answer reads (decompressed) or sends; past it, a 413 that"
        " asks for a slice.",
    )
    preview_max_memory = Int(
        2 * 1024**3,
        config=True,
        help="Most memory the preview's processes may take together (each open file gets its"
        " share): a file needing more gets a 413.",
    )
    preview_timeout_seconds = Float(
        30,
        config=True,
        help="A preview read not answered within this time is stopped, with a 504.",
    )

    @default("downloadservice_url")
    def _downloadservice_default(self) -> str:
        return os.environ.get("CTADS_URL", DEFAULT_DOWNLOADSERVICE)

    @default("certificateservice_url")
    def _certificateservice_default(self) -> str:
        return os.environ.get("CTACS_URL", DEFAULT_CERTIFICATESERVICE)

    @default("token")
    def _token_default(self) -> str | None:
        return os.environ.get("JUPYTERHUB_API_TOKEN")

    @default("hub_user")
    def _hub_user_default(self) -> str | None:
        return os.environ.get("JUPYTERHUB_USER")

    # -- the services the handlers use ------------------------------------------------------
    @property
    def service_settings(self) -> Settings:
        return Settings(
            downloadservice=self.downloadservice_url,
            certificateservice=self.certificateservice_url,
            token=self.token or None,
            chunk_size=self.chunk_size,
        )

    @property
    def root_dir(self) -> Path:
        """The workspace: the Jupyter server's root directory."""
        return Path(self.serverapp.root_dir).expanduser().resolve()

    @property
    def allow_hidden(self) -> bool:
        """Whether hidden files may be read or written: the Jupyter server's own setting."""
        return bool(getattr(self.serverapp.contents_manager, "allow_hidden", False))

    def initialize_settings(self) -> None:
        try:
            check_token(self.token)
        except AuthenticationError as exc:
            self.log.error("ctadata_lab: %s", exc)
            self.token = None
        settings = self.service_settings
        aclient = AsyncAPIClient.from_settings(settings, hub_user=self.hub_user)
        workspace = Workspace(self.root_dir, self.allow_hidden)
        journal = Journal(journal_path(self.serverapp.data_dir, self.root_dir))
        kept = max(0, self.max_finished_transfers)
        jobs = JobManager(self.max_concurrent_transfers, journal, max_finished=kept)
        self.transfers = TransferService(
            workspace=workspace,
            jobs=jobs,
            aclient=aclient,
            job_client=functools.partial(
                job_client,
                settings=settings,
                workspace=workspace,
                journal=journal,
                hub_user=self.hub_user,
            ),
            max_queued_transfers=self.max_queued_transfers,
            max_upload_size=self.max_upload_size,
        )
        records = journal.open(self.root_dir, keep_finished=KEEP_FINISHED, max_finished=kept)
        jobs.restore(records)
        resume_jobs(self.transfers, records)
        self.remote = RemoteServices(
            settings=settings,
            aclient=aclient,
            hub_user=self.hub_user,
            search_slots=threading.BoundedSemaphore(max(1, self.max_concurrent_searches)),
        )
        stop_on_sigint(self.serverapp)
        self.previews = PreviewService(
            OpenFiles(
                self._start_preview,
                ttl=self.preview_idle_seconds,
                max_open=self.preview_max_open_files,
                timeout=self.preview_timeout_seconds,
            ),
            self.preview_max_answer_bytes,
        )
        self.settings.update(
            {
                RemoteServices.SETTINGS_KEY: self.remote,
                TransferService.SETTINGS_KEY: self.transfers,
                PreviewService.SETTINGS_KEY: self.previews,
            }
        )
        self.log.info(
            "ctadata_lab: download service %s, certificate service %s, token %s",
            self.downloadservice_url,
            self.certificateservice_url,
            "present" if self.token else "missing",
        )

    def _start_preview(self, path: str, kind: str) -> tuple[Any, Connection]:
        memory = self.preview_max_memory // max(self.preview_max_open_files, 1)
        limit = self.preview_max_answer_bytes
        return preview_worker.start(self.service_settings, path, kind, memory, limit)

    def initialize_handlers(self) -> None:
        self.handlers.extend(routes("ctadata"))

    async def stop_extension(self) -> None:
        self.transfers.jobs.shutdown()
        self.previews.open_files.close_all()
        await self.remote.aclient.aclose()
