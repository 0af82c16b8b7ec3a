"""The development service's users: who holds which token, with which scopes, reading where.

The deployed services ask JupyterHub about a token (as `hubauth.HubTokens` does, when the
development services run as hub services); by default the development service looks it up in
a small table instead, read from a JSON file:

    {"users": [{"name": "CTA Demo", "token": "...",
                "scopes": ["access:services!service=downloadservice",
                           "access:services!service=certificateservice"],
                "areas": ["lst", "cta"], "admin": false, "expires": null}]}

`areas` are the top-level storage folders the user may read; `expires` is a time in epoch
seconds (or null for never): an expired token is treated exactly like an unknown one.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..paths import user_folder_name

DOWNLOAD_SCOPE = "access:services!service=downloadservice"
CERTIFICATE_SCOPE = "access:services!service=certificateservice"
ALL_SCOPES = (DOWNLOAD_SCOPE, CERTIFICATE_SCOPE)

# Documented, fixed demo tokens: they only open the development service on this machine.
DEMO_TOKEN = "ctadata-dev-token"  # noqa: S105
ADMIN_TOKEN = "ctadata-dev-admin-token"  # noqa: S105


@dataclass(frozen=True)
class User:
    name: str
    token: str = field(repr=False)
    scopes: tuple[str, ...] = ALL_SCOPES
    areas: tuple[str, ...] = ("lst", "cta")
    admin: bool = False
    expires: float | None = None

    @property
    def folder_name(self) -> str:
        return user_folder_name(self.name)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def may_read(self, area: str) -> bool:
        return area in self.areas

    def expired(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return self.expires is not None and now >= self.expires

    def to_json(self, *, with_token: bool = True) -> dict[str, Any]:
        data = asdict(self)
        data["scopes"], data["areas"] = list(self.scopes), list(self.areas)
        if not with_token:
            del data["token"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        if not data.get("name") or not data.get("token"):
            raise ValueError("every user needs a non-empty 'name' and 'token'")
        expires = data.get("expires")
        return cls(
            name=str(data["name"]),
            token=str(data["token"]),
            scopes=tuple(data.get("scopes", ALL_SCOPES)),
            areas=tuple(data.get("areas", ("lst", "cta"))),
            admin=bool(data.get("admin", False)),
            expires=float(expires) if expires is not None else None,
        )


class TokenChecker(Protocol):
    """Who holds a token, with the scopes that concern the services: a table, or the hub."""

    async def user_for_token(self, token: str | None) -> User | None:
        """The token's user, or None when the token is missing, unknown or expired."""
        ...


class UserTable:
    """Tokens to users. Lookups compare in constant time, as a token check should."""

    def __init__(self, users: Iterable[User]) -> None:
        self.users = list(users)
        if not self.users:
            raise ValueError("the user table is empty")

    def by_token(self, token: str | None, now: float | None = None) -> User | None:
        """The user holding this token, or None when it is unknown or expired."""
        if not token:
            return None
        found = None
        for user in self.users:  # no early exit: timing does not tell which entry matched
            if hmac.compare_digest(user.token.encode(), token.encode()):
                found = user
        if found is None or found.expired(now):
            return None
        return found

    async def user_for_token(self, token: str | None) -> User | None:
        return self.by_token(token)

    def by_name(self, name: str) -> User | None:
        return next((u for u in self.users if u.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {"users": [u.to_json() for u in self.users]}

    @classmethod
    def from_file(cls, path: str | Path) -> UserTable:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(User.from_json(u) for u in data["users"])

    @classmethod
    def default(cls) -> UserTable:
        """The built-in table: a demo user and an admin, with the documented demo tokens."""
        return cls(
            [
                User(name="CTA Demo", token=DEMO_TOKEN),
                User(name="admin", token=ADMIN_TOKEN, admin=True),
            ]
        )
