"""Certificates through the library and the CLI, checked by the local certificate service."""

from __future__ import annotations

import datetime as dt

import pytest

from ctadata import AuthenticationError, CertificateError
from ctadata.devservice.certs import issue_certificate
from tests.helpers import client_for, token_of
from tests.test_cli import cta_data


@pytest.fixture
def pem(dev_service, tmp_path):
    def write(name: str = "proxy.pem", **options) -> str:
        path = tmp_path / name
        path.write_text(issue_certificate(dev_service.ca_cert.parent, **options))
        return str(path)

    return write


def test_personal_certificate_stored(dev_service, pem) -> None:
    with client_for(dev_service, "alice") as api:
        answer = api.upload_certificate(pem(), "lst")
    assert answer["message"] == "Certificate stored"
    assert answer["validity"]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"days": 1, "not_before_offset": dt.timedelta(days=-3)}, "expired"),
        ({"days": 30}, "7 days"),
    ],
)
def test_refused_certificates_say_why(dev_service, pem, options, reason) -> None:
    with client_for(dev_service, "alice") as api, pytest.raises(CertificateError) as caught:
        api.upload_personal_certificate(pem(**options), "cta")
    assert reason in str(caught.value)


def test_not_a_certificate(dev_service, tmp_path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with client_for(dev_service, "alice") as api, pytest.raises(CertificateError, match="400"):
        api.upload_certificate(junk)
    with client_for(dev_service, "alice") as api, pytest.raises(CertificateError, match="read"):
        api.upload_certificate(tmp_path / "missing.pem")


def test_shared_certificate_is_for_admins(dev_service, pem) -> None:
    with client_for(dev_service, "alice") as api, pytest.raises(CertificateError):
        api.upload_shared_certificate(pem())
    with client_for(dev_service, "admin") as api:
        assert api.upload_shared_certificate(pem())["certificateUploaded"] is True


def test_certificate_with_a_bad_token(dev_service, pem) -> None:
    with client_for(dev_service, "bad") as api, pytest.raises(AuthenticationError) as caught:
        api.upload_certificate(pem())
    assert token_of(dev_service, "bad") not in str(caught.value)


def test_cli_upload_certificate(dev_service, pem) -> None:
    done = cta_data(dev_service, "upload-certificate", pem(), "--key", "arc")
    assert done.returncode == 0, done.stderr
    assert "Certificate stored" in done.stdout
    refused = cta_data(dev_service, "upload-personal-certificate", pem(days=30), "lst")
    assert refused.returncode == 1 and "7 days" in refused.stderr
    assert "Traceback" not in refused.stderr
