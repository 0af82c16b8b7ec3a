"""Response handling of the protocol, on responses built in memory (pure functions)."""

import httpx
import pytest

from ctadata.config import Settings
from ctadata.entry import Entry
from ctadata.errors import (
    AuthenticationError,
    CertificateError,
    NotFound,
    PermissionDenied,
    StorageException,
)
from ctadata.protocol import Protocol

TOKEN = "s3cret-token-value"
SETTINGS = Settings("http://svc/services/downloadservice", "http://svc/cs/", TOKEN)


def response(status: int, body: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(status, text=body, headers=headers, request=httpx.Request("GET", "x"))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (302, AuthenticationError),
        (401, AuthenticationError),
        (403, PermissionDenied),
        (404, NotFound),
        (409, StorageException),
        (500, StorageException),
    ],
)
def test_check_maps_status_to_error(status: int, error: type) -> None:
    with pytest.raises(error) as caught:
        Protocol(SETTINGS).check(
            response(status, f"Error: {status} body with {TOKEN}"), "list", "p"
        )
    assert TOKEN not in str(caught.value)
    assert "'p'" in str(caught.value)


def test_reason_strips_html_and_json() -> None:
    proto = Protocol(SETTINGS)
    page = "Error: 409 <html><body><h1>Conflict</h1><p>parent missing</p></body></html>"
    assert proto.reason(response(409, page)) == "Error: 409 Conflict parent missing"
    json_401 = response(
        401,
        '{"message": "Invalid or missing Bearer token"}',
        **{"content-type": "application/json"},
    )
    assert proto.reason(json_401) == "Invalid or missing Bearer token"


def test_requests_carry_token_in_header_only() -> None:
    proto = Protocol(SETTINGS)
    for request in (
        proto.list_request("a b/#x?.h5"),
        proto.fetch_request("f"),
        proto.download_request("f", 10),
        proto.upload_request("d/f", b"x"),
    ):
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in str(request.url)
    assert str(proto.list_request("a b/#x?.h5").url) == (
        "http://svc/services/downloadservice/list/a%20b/%23x%3F.h5"
    )
    assert "Range" not in proto.fetch_request("f").headers  # fetch/ ignores it
    hub = proto.hub_user_request("http://hub:8081/hub/api/")
    assert str(hub.url) == "http://hub:8081/hub/api/user"
    assert hub.headers["Authorization"] == f"Bearer {TOKEN}"


def test_the_storage_root_is_the_endpoint_without_a_slash() -> None:
    """The deployed service routes `list` and `list/<path>`, never `list/` (404)."""
    proto = Protocol(SETTINGS)
    base = "http://svc/services/downloadservice/"
    for path in ("", "/", ".", "a/.."):
        assert str(proto.list_request(path).url) == base + "list"
        assert str(proto.fetch_request(path).url).split("?")[0] == base + "fetch"
        assert str(proto.webdav_request("PROPFIND", path).url) == base + "webdav"
    assert str(proto.list_request("lst/x/../DL1/").url) == base + "list/lst/DL1/"
    assert str(proto.upload_request("a/./b/../f", b"").url).split("?")[0] == base + "upload/a/f"


def test_no_token_is_an_authentication_error_before_any_call() -> None:
    proto = Protocol(Settings("http://svc/", "http://cs/", None))
    with pytest.raises(AuthenticationError, match="no token"):
        proto.list_request("lst/")


def test_settings_repr_hides_token() -> None:
    assert TOKEN not in repr(SETTINGS)


def test_entry_from_service() -> None:
    entry = Entry.from_service(
        {
            "href": "lst/DL1/run1.h5",
            "type": "file",
            "size": "60098730",
            "mtime": "Thu, 14 Nov 2024 10:01:02 GMT",
        }
    )
    assert (entry.name, entry.size, entry.is_dir) == ("run1.h5", 60098730, False)
    assert entry.mtime is not None and entry.mtime.year == 2024
    directory = Entry.from_service({"href": "lst/DL1/", "type": "directory"})
    assert (directory.name, directory.size, directory.is_dir) == ("DL1", None, True)


def test_certificate_refusal_names_the_reason() -> None:
    flow = Protocol(SETTINGS).certificate_flow("certificate", {"certificate": "x"})
    next(flow)
    with pytest.raises(CertificateError, match="expired"):
        flow.send(response(400, "certificate expired on 2024-01-01"))


def test_an_upload_answer_names_the_user_folder() -> None:
    from ctadata.protocol import folder_from_answer, missing_parent

    answer = {"status": "uploaded", "path": "lst/users/alice_smith01/a/b.txt"}
    assert folder_from_answer(answer, "a/b.txt") == "lst/users/alice_smith01/"
    assert folder_from_answer(answer, "c/b.txt") is None  # not where this upload went
    assert folder_from_answer({"path": "lst/users/x/f"}, "") is None
    conflict = StorageException("upload: 409", path="a/b.txt", status=409)
    assert missing_parent(conflict, "a/b/c.txt") == "a/b/"
    assert missing_parent(conflict, "c.txt") is None  # the service makes the user folder
    assert missing_parent(StorageException("x", status=500), "a/c.txt") is None


def test_the_service_urls_are_read_when_a_client_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from ctadata import APIClient

    monkeypatch.setenv("CTADS_URL", "http://later/ds")
    assert APIClient().settings.downloadservice == "http://later/ds/"
    monkeypatch.setattr(APIClient, "downloadservice", "http://set/")  # 0.6.0's override
    assert APIClient().downloadservice == "http://set/"
    assert APIClient(downloadservice="http://one/").downloadservice == "http://one/"


def test_a_client_makes_its_protocol_once_and_reads_the_token_at_each_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ctadata import APIClient

    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "first-token-of-the-env")
    client = APIClient(downloadservice="http://svc/ds/")
    protocol = client.protocol
    assert client.protocol is protocol
    bearer = protocol.list_request("a").headers["Authorization"]
    assert bearer == "Bearer first-token-of-the-env"
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "second-token-of-the-env")
    assert client.protocol is protocol
    bearer = protocol.list_request("a").headers["Authorization"]
    assert bearer == "Bearer second-token-of-the-env"
    assert client.settings.token == "second-token-of-the-env"
    client.downloadservice = "http://other/ds/"  # a setting set on the client: made anew
    assert client.protocol is not protocol
    assert client.protocol.list_request("a").url.host == "other"
