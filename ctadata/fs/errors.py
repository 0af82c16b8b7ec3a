"""How `ctadata://` reports failures: webdav4's and httpx's errors as ctadata's (fsspec's
`FileNotFoundError` for a 404), a refused write with the service's rule of where writes go, and
the service's redirect to the hub's login page (a refused token).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
from webdav4.client import ClientError, HTTPError

from ..errors import AuthenticationError, CtadataError, PermissionDenied
from ..http import AUTH_HINT, REDIRECT_STATUSES, check_response

if TYPE_CHECKING:
    from ..direct.client import DirectClient


def translating(method: Callable[..., Any], action: str, name: str = "path") -> Any:
    """webdav4's `method`, with its remote path (argument `name`) stripped of `ctadata://` and
    its errors as ctadata's (a write's refusal saying where writes are allowed)."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        path = bound.arguments[name] = self._strip_protocol(bound.arguments[name])
        with self._translated(action, path, writing=action != "list"):
            return method(*bound.args, **bound.kwargs)

    return call


class Failures:
    """The failure handling of `CtadataFileSystem` (which this is a base of)."""

    direct: bool
    _direct: DirectClient | None  # direct mode: the client whose `check` applies
    upload_folder: Callable[[], str]  # service mode: where writes are allowed

    def _check(self, response: httpx.Response, action: str, path: str) -> None:
        """Raise the ctadata error for a failed response (without the token it carried)."""
        (self._direct.check if self._direct else check_response)(response, action, path)

    @contextlib.contextmanager
    def _translated(self, action: str, path: str, writing: bool = False) -> Iterator[None]:
        """webdav4's and httpx's errors as ctadata's (fsspec's FileNotFoundError for 404)."""
        try:
            yield
        except (ClientError, httpx.HTTPStatusError) as exc:
            response = failed_response(exc)
            if response is None:
                raise
            if response.status_code == 404:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", path) from exc
            try:
                self._check(response, action, path)
            except PermissionDenied as denied:
                if not writing:
                    raise
                raise self._denied(denied, path) from exc
            raise

    def _user_folder(self) -> str | None:
        """The user folder, if there is one (service mode) and it can be found."""
        with contextlib.suppress(CtadataError):
            return None if self.direct else self.upload_folder()
        return None

    def _denied(self, denied: PermissionDenied, path: str) -> PermissionDenied:
        """A refused write, with where writes are allowed (the service's rule)."""
        if self.direct:
            return denied
        where = repr(self._user_folder() or "<area>/users/<your user>/")
        return PermissionDenied(
            f"cannot write {path!r}: the service allows writing only under your user folder"
            f" {where} (ctadata.upload_folder()); the service said: {denied}",
            path=path,
            status=denied.status,
        )

    def _check_writable(self, path: str) -> None:
        """Refuse a write outside the user folder before any data is sent (service mode).

        The service enforces the rule itself (403); this only makes the refusal come early,
        e.g. at `open(..., "wb")` rather than when the file is closed.
        """
        folder = self._user_folder()  # none found: the service will say no if it must
        if folder is not None and not (path + "/").startswith(folder):
            denied = PermissionDenied("not in the user folder", path=path, status=403)
            raise self._denied(denied, path)


def refuse_login_redirect(response: httpx.Response) -> None:
    if response.status_code in REDIRECT_STATUSES:
        raise AuthenticationError(
            "not authenticated: the service redirected to the login page (token missing,"
            f" invalid or expired); {AUTH_HINT}",
            status=response.status_code,
        )


def failed_response(exc: BaseException) -> httpx.Response | None:
    """The HTTP response behind a webdav4 or httpx error, if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, HTTPError | httpx.HTTPStatusError):
            return seen.response
        seen = seen.__cause__
    return None
