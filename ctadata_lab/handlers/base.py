"""What every ctadata_lab handler shares: its services, JSON errors, input checks, remote paths.

The services come from the tornado settings, where `app.py` put them (as jupyterlab-git puts
its `Git`): the handlers never see the extension application itself.
"""

from __future__ import annotations

import json
import math
from http.client import responses
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ctadata.errors import CtadataError
from ctadata.limits import check_path
from ctadata.paths import clean_remote

from ..errors import ApiError, bad_request, from_ctadata
from ..preview.service import PreviewService
from ..remote import RemoteServices
from ..transfers.service import TransferService


class CtadataHandler(APIHandler):
    """An `APIHandler` whose errors are `{"message", "reason"}` as docs/rest-api.md says."""

    # -- services ---------------------------------------------------------------------------
    @property
    def remote(self) -> RemoteServices:
        return self.settings[RemoteServices.SETTINGS_KEY]

    @property
    def transfers(self) -> TransferService:
        return self.settings[TransferService.SETTINGS_KEY]

    @property
    def previews(self) -> PreviewService:
        return self.settings[PreviewService.SETTINGS_KEY]

    # -- errors -----------------------------------------------------------------------------
    @staticmethod
    def _as_api_error(exc: BaseException | None, status: int) -> ApiError:
        if isinstance(exc, ApiError):
            return exc
        if isinstance(exc, CtadataError):
            return from_ctadata(exc)
        if isinstance(exc, web.HTTPError):
            message = exc.log_message
            if message and exc.args:
                message = message % exc.args
            return ApiError(status, message or responses.get(status, "error"))
        return ApiError(status, "internal error of the ctadata server extension", "internal_error")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        error = self._as_api_error(exc, status_code)
        self.set_status(error.status)
        self.finish(json.dumps({"message": error.message, "reason": error.reason}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ApiError | CtadataError):
            error = self._as_api_error(value, 500)
            self.log.warning("%d %s: %s", error.status, self._request_summary(), error.message)
        else:
            super().log_exception(typ, value, tb)

    # -- input ------------------------------------------------------------------------------
    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}", parse_constant=_not_json)
        except ValueError as exc:
            raise bad_request("the request body is not JSON") from exc
        if not isinstance(body, dict):
            raise bad_request("the request body must be a JSON object")
        return body

    @staticmethod
    def string(body: dict[str, Any], key: str, default: str | None = None) -> str:
        value = body.get(key, default)
        if not isinstance(value, str):
            raise bad_request(f"{key!r} must be given as a string")
        return value

    @staticmethod
    def flag(body: dict[str, Any], key: str) -> bool:
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise bad_request(f"{key!r} must be true or false")
        return value

    def number(self, key: str, default: Any, low: float, high: float | None, kind: type) -> Any:
        """The query argument `key` as a finite `kind` (int or float) in [low, high]."""
        raw = self.get_query_argument(key, None)
        if raw in (None, ""):
            return default
        try:
            value = kind(raw)
        except ValueError:
            raise bad_request(f"{key!r} must be a number, not {raw[:40]!r}") from None
        if not math.isfinite(value):  # nan, inf, 1e999: compared with nothing, said nowhere
            raise bad_request(f"{key!r} must be a finite number")
        if value < low or (high is not None and value > high):
            top = f" and at most {high}" if high is not None else ""
            raise bad_request(f"{key!r} must be at least {low}{top}")
        return value

    # -- paths ------------------------------------------------------------------------------
    @staticmethod
    def remote_path(path: str) -> str:
        """The remote path cleaned; `..` and paths past the limits refused before any call."""
        return clean_remote(check_path(path, "remote path"))


def _not_json(constant: str) -> None:
    """`NaN`, `Infinity`, `-Infinity`: Python's json reads them, JSON has no such values."""
    raise ValueError(f"{constant} is not JSON")
