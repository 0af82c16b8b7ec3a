"""`GET config`: where the services are, whether a token is present (never the token)."""

from __future__ import annotations

import asyncio

from tornado import web

from ctadata import __version__
from ctadata.errors import CtadataError

from .base import CtadataHandler

UPLOAD_FOLDER_TIMEOUT = 5.0  # seconds: the panel must not wait long for an optional field


class ConfigHandler(CtadataHandler):
    @web.authenticated
    async def get(self) -> None:
        remote = self.remote
        settings = remote.settings
        folder = None
        if settings.token:
            try:
                folder = await asyncio.wait_for(
                    remote.aclient.upload_folder(), UPLOAD_FOLDER_TIMEOUT
                )
            except (CtadataError, asyncio.TimeoutError):
                folder = None  # unknown: not an error of this call
        self.finish(
            {
                "downloadservice": settings.downloadservice,
                "certificateservice": settings.certificateservice,
                "token_present": bool(settings.token),
                "user": remote.hub_user,
                "upload_folder": folder,
                "version": __version__,
            }
        )
