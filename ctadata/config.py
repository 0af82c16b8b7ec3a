"""Where the services are and which token to use: environment defaults, per-client overrides."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .errors import AuthenticationError, register_secret
from .paths import with_slash
from .search.criteria import parse_size

DEFAULT_DOWNLOADSERVICE = "https://platform.cta.cscs.ch/services/downloadservice/"
DEFAULT_CERTIFICATESERVICE = "https://platform.cta.cscs.ch/services/certificateservice/"
DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024
# The most bytes one Range request through the service's `webdav/` asks for: the deployed service
# holds a whole answer in memory (several times) before it sends the first byte, so a GET through
# it must ask a bounded window, then the next (docs/protocol.md, "Operating facts").
DEFAULT_RANGE_WINDOW = 16 * 1024 * 1024
RANGE_WINDOW_VARIABLE = "CTADATA_RANGE_WINDOW"
# The largest upload body accepted (a browser upload, the development service): 1 TiB.
MAX_UPLOAD_BYTES = 1 << 40


class EnvDefault:
    """A class attribute read from the environment each time it is read (`variable`, else
    `default`), until a value is assigned: on the class (`APIClient.downloadservice = URL`,
    as in 0.6.0) for every client, or on one client for that client."""

    def __init__(self, variable: str, default: str) -> None:
        self.variable = variable
        self.default = default

    def value(self) -> str:
        return os.environ.get(self.variable, self.default)

    def __get__(self, obj: object, owner: type | None = None) -> str:
        # A non-data descriptor: a value assigned to an instance is found before this.
        return self.value()


_TOKEN_ALPHABET = re.compile(r"[\x21-\x7e]+")  # printable ASCII: what a header value can carry


def check_token(token: str | None) -> None:
    """Refuse a token that no HTTP header can carry, before it reaches one.

    The message never holds the token: an HTTP library's "illegal header value" error would
    quote it in full.
    """
    if token and not _TOKEN_ALPHABET.fullmatch(token):
        raise AuthenticationError(
            "the token is refused: it holds a line break, a NUL, white space or a character"
            " other than printable ASCII (check how JUPYTERHUB_API_TOKEN was set)"
        )


def default_range_window() -> int:
    """`CTADATA_RANGE_WINDOW` (bytes, or `8M`, `512K`), else 16 MiB; read when a call is made."""
    value = os.environ.get(RANGE_WINDOW_VARIABLE, "").strip()
    if not value:
        return DEFAULT_RANGE_WINDOW
    try:
        return parse_size(value) or 0
    except ValueError as exc:
        raise ValueError(f"{RANGE_WINDOW_VARIABLE}: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Everything a request needs to know about where it goes and as whom.

    `repr` hides the token so that a Settings object can be logged or shown safely.
    """

    downloadservice: str
    certificateservice: str
    token: str | None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    range_window: int = field(default_factory=default_range_window)

    def __post_init__(self) -> None:
        object.__setattr__(self, "downloadservice", with_slash(self.downloadservice))
        object.__setattr__(self, "certificateservice", with_slash(self.certificateservice))
        check_token(self.token)
        register_secret(self.token)
        if self.chunk_size <= 0:
            raise ValueError("chunk_size must be a positive number of bytes")
        if self.range_window <= 0:
            raise ValueError("range_window must be a positive number of bytes")

    def __repr__(self) -> str:
        token = "set" if self.token else "missing"
        return (
            f"Settings(downloadservice={self.downloadservice!r}, "
            f"certificateservice={self.certificateservice!r}, token={token}, "
            f"chunk_size={self.chunk_size}, range_window={self.range_window})"
        )

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            downloadservice=DOWNLOADSERVICE.value(),
            certificateservice=CERTIFICATESERVICE.value(),
            token=os.environ.get("JUPYTERHUB_API_TOKEN"),
        )


DOWNLOADSERVICE = EnvDefault("CTADS_URL", DEFAULT_DOWNLOADSERVICE)
CERTIFICATESERVICE = EnvDefault("CTACS_URL", DEFAULT_CERTIFICATESERVICE)
