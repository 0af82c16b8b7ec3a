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
        lab = self.lab
        folder = None
        if lab.token:
            try:
                folder = await asyncio.wait_for(lab.aclient.upload_folder(), UPLOAD_FOLDER_TIMEOUT)
            except (CtadataError, asyncio.TimeoutError):
                folder = None  # unknown: not an error of this call
        self.finish(
            {
                "downloadservice": lab.service_settings.downloadservice,
                "certificateservice": lab.service_settings.certificateservice,
                "token_present": bool(lab.token),
                "user": lab.hub_user,
                "upload_folder": folder,
                "version": __version__,
            }
        )
