"""`POST certificate` and `POST certificate/shared`: passed through to the certificate service."""

from __future__ import annotations

from tornado import web

from ..errors import bad_request
from .base import CtadataHandler

CERTIFICATE_KEYS = ("cta", "lst", "arc")
MAX_PEM_LENGTH = 1024 * 1024


class CertificateHandler(CtadataHandler):
    def pem(self) -> tuple[dict, str]:
        body = self.json_body()
        pem = self.string(body, "certificate")
        if not pem.strip() or len(pem) > MAX_PEM_LENGTH:
            raise bad_request("'certificate' must be a PEM text (at most 1 MiB)")
        return body, pem

    @web.authenticated
    async def post(self) -> None:
        body, pem = self.pem()
        key = body.get("certificate_key")
        if key not in CERTIFICATE_KEYS:
            raise bad_request(f"'certificate_key' must be one of {', '.join(CERTIFICATE_KEYS)}")
        self.finish(await self.remote.aclient.upload_certificate(pem, key))


class SharedCertificateHandler(CertificateHandler):
    @web.authenticated
    async def post(self) -> None:
        _, pem = self.pem()
        self.finish(await self.remote.aclient.upload_shared_certificate(pem))
