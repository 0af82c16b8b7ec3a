"""The certificate service: users store their short-lived certificates, admins the shared one.

Certificates are checked against the development CA (see certs.py) and kept in the state
directory: `certificates/<user folder>/<key>.pem` and `certificates/main.pem`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
from pathlib import Path
from typing import Any

from .base import AuthenticatedHandler, BaseHandler
from .certs import CertificateRejected, verify_certificate
from .users import CERTIFICATE_SCOPE, user_folder_name

CERTIFICATE_KEYS = ("cta", "lst", "arc")


def http_date(when: dt.datetime) -> str:
    # The deployed (Flask) service serialises dates this way: "Thu, 21 Nov 2024 10:00:00 GMT".
    return email.utils.format_datetime(when.astimezone(dt.timezone.utc), usegmt=True)


def store_private(path: Path, text: str) -> None:
    """Write a certificate file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


class CertificateServiceHandler(AuthenticatedHandler):
    scope = CERTIFICATE_SCOPE

    def json_body(self) -> dict[str, Any] | None:
        """The request's JSON object, or None after answering 400."""
        try:
            data = json.loads(self.request.body or b"null")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.text(400, "the request body must be a JSON object")
            return None
        return data

    def checked(self, pem: object) -> dt.datetime | None:
        """The certificate's end of validity, or None after answering 400 saying why."""
        if not isinstance(pem, str) or not pem.strip():
            self.text(400, "missing certificate")
            return None
        try:
            return verify_certificate(pem, self.state.ca_cert.read_bytes())
        except CertificateRejected as e:
            self.text(400, str(e))
            return None

    @property
    def certificate_dir(self) -> Path:
        return self.state.state_dir / "certificates"


class HealthHandler(BaseHandler):
    def get(self) -> None:
        self.text(200, "OK")


class CertificateHandler(CertificateServiceHandler):
    """`POST certificate`: a user's own certificate for one storage area."""

    def post(self) -> None:
        data = self.json_body()
        if data is None:
            return
        key = data.get("certificate_key")
        if key not in CERTIFICATE_KEYS:
            self.text(400, f"certificate_key must be one of {', '.join(CERTIFICATE_KEYS)}")
            return
        owner = data.get("user") or self.current_user.name
        if owner != self.current_user.name and not self.current_user.admin:
            self.text(403, "Access denied: only admins may store a certificate for another user")
            return
        not_after = self.checked(data.get("certificate"))
        if not_after is None:
            return
        path = self.certificate_dir / user_folder_name(str(owner)) / f"{key}.pem"
        store_private(path, data["certificate"])
        self.json(200, {"message": "Certificate stored", "validity": http_date(not_after)})


class MainCertificateHandler(CertificateServiceHandler):
    """`POST main-certificate`: the shared robot certificate, admins only (401, sic)."""

    def post(self) -> None:
        if not self.current_user.admin:
            self.text(401, "access denied")
            return
        data = self.json_body()
        if data is None or self.checked(data.get("certificate")) is None:
            return
        store_private(self.certificate_dir / "main.pem", data["certificate"])
        self.json(200, {"message": "Shared certificate stored", "certificateUploaded": True})
