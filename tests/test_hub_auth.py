"""The development services as hub services: every token checked by a real JupyterHub.

Through the hub's proxy (`/services/downloadservice/`), as in production: the answers of
shared/PROTOCOL.md's "Authentication" for tokens the hub made, with and without the services'
scopes, and the hub user's name as the upload folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hub_process import CERTIFICATE_SCOPE, DOWNLOAD_SCOPE, RunningHub, start_hub
from tests.test_devservice import SCOPE_REFUSED

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    running = start_hub(tmp_path_factory.mktemp("hub"))
    yield running
    running.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_or_unknown_token_gets_401_or_the_hub_login(hub: RunningHub) -> None:
    url = hub.downloadservice + "list/lst/"
    for headers in ({}, bearer("not-a-token-of-this-hub")):
        answer = httpx.get(url, headers={**JSON, **headers})
        assert answer.status_code == 401
        assert answer.json() == {"message": "Invalid or missing Bearer token"}
        browser = httpx.get(url, headers=headers)  # no JSON: sent to the hub's login page
        assert browser.status_code == 302
        assert browser.headers["Location"].startswith("/hub/login?next=")
        login = httpx.get(hub.url.rstrip("/") + browser.headers["Location"])
        assert login.status_code == 200 and "username" in login.text  # the real hub's form


def test_token_without_the_scope_gets_403_with_the_services_words(hub: RunningHub) -> None:
    no_scope = hub.token("alice", ["read:users:name!user"])
    download_only = hub.token("alice", [DOWNLOAD_SCOPE])
    cases = [
        (hub.downloadservice + "list/lst/", no_scope),
        (hub.certificateservice + "certificate", no_scope),
        (hub.certificateservice + "certificate", download_only),
    ]
    for url, token in cases:
        answer = httpx.post(url, headers={**JSON, **bearer(token)}, json={})
        assert answer.status_code == 403, url
        assert answer.text == SCOPE_REFUSED
        assert answer.headers["Content-Type"].startswith("text/")


def test_a_user_without_the_role_cannot_get_the_scope(hub: RunningHub) -> None:
    """carol has no CTA data role: the hub refuses her the scope, the service refuses her."""
    with pytest.raises(httpx.HTTPStatusError) as refused:
        hub.token("carol", [DOWNLOAD_SCOPE])
    assert refused.value.response.status_code == 400
    token = hub.token("carol", ["inherit"])  # everything carol holds: not the services
    answer = httpx.get(hub.downloadservice + "list/lst/", headers={**JSON, **bearer(token)})
    assert answer.status_code == 403 and answer.text == SCOPE_REFUSED


def test_tokens_with_the_scopes_are_served(hub: RunningHub) -> None:
    token = hub.token("alice", [DOWNLOAD_SCOPE, CERTIFICATE_SCOPE])
    listing = httpx.get(hub.downloadservice + "list/lst/", headers=bearer(token))
    assert listing.status_code == 200
    assert "lst/DL1/" in {entry["href"] for entry in listing.json()}
    # Past the token check: the certificate service looks at the request itself.
    answer = httpx.post(hub.certificateservice + "certificate", headers=bearer(token), json={})
    assert answer.status_code == 400 and "certificate" in answer.text


def upload(hub: RunningHub, token: str, path: str, data: bytes) -> httpx.Response:
    return httpx.post(hub.downloadservice + "upload/" + path, headers=bearer(token), content=data)


def test_uploads_land_in_the_hub_users_folder(hub: RunningHub) -> None:
    for user, folder in (("alice", "alice"), ("dr.who2", "dr_who_")):
        answer = upload(hub, hub.token(user, [DOWNLOAD_SCOPE]), "hello.txt", user.encode())
        assert answer.status_code == 200, answer.text
        assert answer.json()["path"] == f"lst/users/{folder}/hello.txt"
        stored = hub.storage_dir / "lst" / "users" / folder / "hello.txt"
        assert stored.read_bytes() == user.encode()


def test_bob_reads_alices_files_but_cannot_write_into_her_folder(hub: RunningHub) -> None:
    alice, bob = hub.token("alice", [DOWNLOAD_SCOPE]), hub.token("bob", [DOWNLOAD_SCOPE])
    assert upload(hub, alice, "shared.txt", b"from alice").status_code == 200
    read = httpx.get(hub.downloadservice + "fetch/lst/users/alice/shared.txt", headers=bearer(bob))
    assert read.status_code == 200 and read.content == b"from alice"
    alices: Path = hub.storage_dir / "lst" / "users" / "alice"
    before = sorted(p.name for p in alices.iterdir())
    put = httpx.put(
        hub.downloadservice + "webdav/lst/users/alice/from-bob.txt",
        headers=bearer(bob),
        content=b"bob was here",
    )
    assert put.status_code == 403
    assert sorted(p.name for p in alices.iterdir()) == before
