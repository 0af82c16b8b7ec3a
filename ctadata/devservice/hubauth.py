"""Tokens checked with JupyterHub, as the deployed services check them.

When the development services run as hub services (`cta-data dev-service --hub-auth`), every
request's token goes to the hub (`HubAuth.user_for_token`, its answers cached 60 s as the
deployed service's are), and each service's scope is looked for in the scopes the hub gives
that token. There is no token table in this mode: the hub's users are the users, each
reading the `lst` and `cta` areas.
"""

from __future__ import annotations

from jupyterhub.services.auth import HubAuth

from .users import ALL_SCOPES, User

CACHE_SECONDS = 60


class HubTokens:
    """A `TokenChecker` that asks the hub at `api_url` (e.g. `http://127.0.0.1:8081/hub/api`).

    `api_token` is the service's own token from `c.JupyterHub.services`; the hub identifies a
    user's token with that token alone (`GET /hub/api/user`).
    """

    def __init__(self, api_url: str, api_token: str) -> None:
        self.auth = HubAuth(api_url=api_url, api_token=api_token, cache_max_age=CACHE_SECONDS)

    async def user_for_token(self, token: str | None) -> User | None:
        if not token:
            return None
        model = await self.auth.user_for_token(token, sync=False)
        if not model:
            return None
        # The hub's scope rules decide: `access:services` alone grants every service.
        granted = self.auth.check_scopes(set(ALL_SCOPES), model)
        return User(
            name=model["name"],
            token=token,
            scopes=tuple(s for s in ALL_SCOPES if s in granted),
            admin=bool(model.get("admin")),
        )
