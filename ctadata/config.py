"""Where the services are and which token to use: environment defaults, per-client overrides."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .errors import AuthenticationError, register_secret

DEFAULT_DOWNLOADSERVICE = "https://platform.cta.cscs.ch/services/downloadservice/"
DEFAULT_CERTIFICATESERVICE = "https://platform.cta.cscs.ch/services/certificateservice/"
DEFAULT_CHUNK_SIZE = 10 * 1024 * 1024


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


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class Settings:
    """Everything a request needs to know about where it goes and as whom.

    `repr` hides the token so that a Settings object can be logged or shown safely.
    """

    downloadservice: str
    certificateservice: str
    token: str | None
    chunk_size: int = DEFAULT_CHUNK_SIZE

    def __post_init__(self) -> None:
        object.__setattr__(self, "downloadservice", _with_slash(self.downloadservice))
        object.__setattr__(self, "certificateservice", _with_slash(self.certificateservice))
        check_token(self.token)
        register_secret(self.token)
        if self.chunk_size <= 0:
            raise ValueError("chunk_size must be a positive number of bytes")

    def __repr__(self) -> str:
        token = "set" if self.token else "missing"
        return (
            f"Settings(downloadservice={self.downloadservice!r}, "
            f"certificateservice={self.certificateservice!r}, token={token}, "
            f"chunk_size={self.chunk_size})"
        )

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            downloadservice=os.environ.get("CTADS_URL", DEFAULT_DOWNLOADSERVICE),
            certificateservice=os.environ.get("CTACS_URL", DEFAULT_CERTIFICATESERVICE),
            token=os.environ.get("JUPYTERHUB_API_TOKEN"),
        )
