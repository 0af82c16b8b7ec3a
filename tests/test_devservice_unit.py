"""The development service's pure functions: user table, path rules, listings, certificates,
sample data; no server, no process."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import h5py
import pytest
from astropy.io import fits

from ctadata.devservice.base import has_dotdot, join_path
from ctadata.devservice.certs import (
    CertificateRejected,
    issue_certificate,
    make_ca,
    verify_certificate,
)
from ctadata.devservice.download import content_disposition, list_entries
from ctadata.devservice.sample_data import make_sample_data
from ctadata.devservice.users import DEMO_TOKEN, User, UserTable, user_folder_name
from ctadata.devservice.webdav import rewrite_hrefs


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("Alice.Smith01", "alice_smith01"),
        ("user23", "user__"),  # sic: only 0 and 1 survive among the digits
        ("CTA Demo", "cta_demo"),
        ("\u00c9mile-Zola", "_mile_zola"),
        ("x10", "x10"),
    ],
)
def test_user_folder_name(name: str, folder: str) -> None:
    assert user_folder_name(name) == folder


def test_user_table_refuses_unknown_empty_and_expired_tokens() -> None:
    now = time.time()
    table = UserTable([User("a", "tok-a"), User("b", "tok-b", expires=now - 1)])
    assert table.by_token("tok-a") == table.users[0]
    assert table.by_token("tok-b") is None
    assert table.by_token("tok-b", now=now - 10) == table.users[1]
    assert table.by_token("nope") is None
    assert table.by_token("") is None
    assert table.by_token(None) is None


def test_user_table_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": [u.to_json() for u in UserTable.default().users]}))
    table = UserTable.from_file(path)
    assert [u.name for u in table.users] == ["CTA Demo", "admin"]
    assert table.by_token(DEMO_TOKEN).areas == ("lst", "cta")
    assert table.by_name("admin").admin
    assert "token" not in table.users[0].to_json(with_token=False)
    assert DEMO_TOKEN not in repr(table.users[0])


def test_path_rules() -> None:
    assert has_dotdot("lst/../cta") and has_dotdot("a..b") and not has_dotdot("lst/a.b/c")
    assert join_path("lst", "users/", "/bob", "", "dir/f.txt/") == "lst/users/bob/dir/f.txt"


def test_content_disposition() -> None:
    assert content_disposition("run1.h5") == "attachment; filename=run1.h5"
    assert content_disposition("\u65e5.h5") == "attachment; filename*=UTF-8''%E6%97%A5.h5"


def test_list_entries_and_href_rewriting() -> None:
    xml = (
        b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:">'
        b"<D:response><D:href>/pnfs/cta.cscs.ch/lst/</D:href><D:propstat><D:prop>"
        b"<D:getlastmodified>Thu, 14 Nov 2024 10:01:02 GMT</D:getlastmodified>"
        b"</D:prop></D:propstat></D:response>"
        b"<D:response><D:href>/pnfs/cta.cscs.ch/lst/a%20b.h5</D:href><D:propstat><D:prop>"
        b"<D:getcontentlength>12</D:getcontentlength></D:prop></D:propstat></D:response>"
        b"</D:multistatus>"
    )
    entries = list_entries(xml, "http://h/list/")
    assert entries == [
        {
            "href": "lst/",
            "mtime": "Thu, 14 Nov 2024 10:01:02 GMT",
            "url": "http://h/list/lst/",
            "type": "directory",
        },
        {"href": "lst/a%20b.h5", "size": "12", "url": "http://h/list/lst/a%20b.h5", "type": "file"},
    ]
    rewritten = rewrite_hrefs(xml)
    assert b"/pnfs/" not in rewritten
    assert b"<D:href>/services/downloadservice/webdav/lst/a%20b.h5</D:href>" in rewritten


def test_certificate_checks(tmp_path: Path) -> None:
    ca, other = make_ca(tmp_path / "ca"), make_ca(tmp_path / "other")
    bundle = ca.read_bytes()
    good = issue_certificate(ca.parent, days=2)
    assert verify_certificate(good, bundle) > dt.datetime.now(dt.timezone.utc)
    refused = {
        "expired": issue_certificate(ca.parent, days=1, not_before_offset=dt.timedelta(days=-3)),
        "not yet valid": issue_certificate(ca.parent, not_before_offset=dt.timedelta(hours=2)),
        "too long": issue_certificate(ca.parent, days=30),
        "chain": issue_certificate(other.parent),
        "no PEM certificate": "not a certificate",
    }
    for reason, pem in refused.items():
        with pytest.raises(CertificateRejected, match=reason):
            verify_certificate(pem, bundle)


def test_sample_data_is_deterministic_and_real_hdf5(tmp_path: Path) -> None:
    a = make_sample_data(tmp_path / "a", large_file=False)
    b = make_sample_data(tmp_path / "b", large_file=False)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert len(files_a) > 200
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
        assert (a / rel).stat().st_mtime == (b / rel).stat().st_mtime
    h5 = sorted(a.glob("lst/DL1/*/v0.1/tailcut84/*.h5"))
    assert len(h5) >= 3
    with h5py.File(h5[0]) as f:
        assert len(f["dl1/event/telescope/parameters/LST_LSTCam"]) == 40
        assert f["dl1/event/telescope/image/LST_LSTCam"].shape == (40, 1855)
    with fits.open(a / "cta/DL3/LST-1/dl3_LST-1.Run16000.fits") as hdus:  # the FITS preview's
        assert hdus["EVENTS"].header["OBS_ID"] == 16000 and len(hdus["EVENTS"].data) == 1000
    assert (a / "lst/users").is_dir() and (a / "cta/users").is_dir()
    assert not any((a / "lst/users").iterdir())
