"""`BaseClient`: what `APIClient` and `AsyncAPIClient` share, as httpx's two clients share
theirs: one constructor, the settings, the hub user and the upload folder. The two differ only
in how they do I/O (`httpx.Client` or `httpx.AsyncClient`, driving `ctadata.protocol`'s flows).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any, TypeVar

from .config import CERTIFICATESERVICE, DEFAULT_CHUNK_SIZE, DOWNLOADSERVICE, Settings
from .protocol import Flow, Protocol, folder_from_answer

C = TypeVar("C", bound="BaseClient")


class BaseClient:
    """Where the services are and as whom.

    Class attributes are the defaults for every client (`APIClient.downloadservice = URL`
    changes them for later clients, hence for the later calls of the module functions, which
    make a client each; unset, `CTADS_URL` and `CTACS_URL` are read when a client makes its
    first call); constructor arguments (or attributes set on the client) override them for one
    client. These make the client's `protocol`, built once. The token defaults to
    `JUPYTERHUB_API_TOKEN` and the hub user (which names the upload folder, needed only to
    create missing folders) to `JUPYTERHUB_USER`, both read when each call is made.
    """

    downloadservice = DOWNLOADSERVICE
    certificateservice = CERTIFICATESERVICE
    chunk_size: int = DEFAULT_CHUNK_SIZE
    # None: `CTADATA_RANGE_WINDOW`, else 16 MiB (`Settings.range_window`), read with the first
    # call.
    range_window: int | None = None
    # The attributes `protocol` is made of: setting one on a client makes it anew.
    SETTINGS = frozenset({"downloadservice", "certificateservice", "chunk_size", "range_window"})

    def __init__(
        self,
        token: str | None = None,
        downloadservice: str | None = None,
        certificateservice: str | None = None,
        chunk_size: int | None = None,
        *,
        hub_user: str | None = None,
        range_window: int | None = None,
    ):
        self.hub_user = hub_user
        for name, value in (
            ("downloadservice", downloadservice),
            ("certificateservice", certificateservice),
            ("chunk_size", chunk_size),
            ("range_window", range_window),
        ):
            if value is not None:
                setattr(self, name, value)
        if token is not None:
            self.token = token
        self._upload_folder: str | None = None

    @classmethod
    def from_settings(cls: type[C], settings: Settings, *args: Any, **options: Any) -> C:
        """A client for `settings`; `args` and `options` are the constructor's others."""
        named: dict[str, Any] = {
            "token": settings.token,
            "downloadservice": settings.downloadservice,
            "certificateservice": settings.certificateservice,
            "chunk_size": settings.chunk_size,
            "range_window": settings.range_window,
        }
        make: Callable[..., C] = cls  # `args` are a subclass's own, before the settings
        return make(*args, **named, **options)

    @property
    def token(self) -> str | None:
        return self.__dict__.get("_token") or os.environ.get("JUPYTERHUB_API_TOKEN")

    @token.setter
    def token(self, value: str | None) -> None:
        self.__dict__["_token"] = value

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in self.SETTINGS:
            self.__dict__.pop("_protocol", None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings!r})"

    @property
    def settings(self) -> Settings:
        """The client's settings, with the token of now."""
        return dataclasses.replace(self.protocol.settings, token=self.token)

    @property
    def protocol(self) -> Protocol:
        """The services' protocol with this client's settings, made at its first use; the
        token is read as each request is built (`token`)."""
        protocol = self.__dict__.get("_protocol")
        if protocol is None:
            window = {} if self.range_window is None else {"range_window": self.range_window}
            fixed = Settings(
                self.downloadservice, self.certificateservice, None, self.chunk_size, **window
            )
            protocol = self.__dict__["_protocol"] = Protocol(fixed, lambda: self.token)
        return protocol

    # -- the user folder --------------------------------------------------------------------
    def _upload_folder_flow(self, hub_user: str | None) -> Flow[str]:
        """Find the user folder from the hub user (`hub_user`, the client's, `JUPYTERHUB_USER`)
        or the hub's API (`JUPYTERHUB_API_URL`)."""
        user = hub_user or self.hub_user or os.environ.get("JUPYTERHUB_USER")
        return self.protocol.upload_folder_flow(user, os.environ.get("JUPYTERHUB_API_URL"))

    def _learn_upload_folder(self, answer: dict[str, Any], path: str) -> None:
        """An upload's answer names the user folder, if it was not known yet."""
        self._upload_folder = self._upload_folder or folder_from_answer(answer, path)
