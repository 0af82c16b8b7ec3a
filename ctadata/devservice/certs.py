"""Certificates for the development certificate service: a local CA, short-lived client
certificates signed by it, and the checks the deployed service makes on an uploaded one.

The deployed service accepts a certificate when its first certificate is signed by a CA of its
bundle, is currently valid, and expires at most 7 days from today. The checks here are the
same, so a certificate refused here is refused there, with a message saying why.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
MAX_VALIDITY_DAYS = 7

_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class CertificateRejected(ValueError):
    """The certificate is not acceptable; the message says why, for the user to read."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ctadata development"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_private(path: Path, data: bytes) -> None:
    # The key file is created readable by its owner only, never world-readable for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def make_ca(directory: str | Path, common_name: str = "ctadata development CA") -> Path:
    """Create a CA (EC key and self-signed certificate, 10 years) in `directory`.

    Returns the certificate's path; the key is `ca-key.pem` next to it.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(directory / CA_KEY_FILE, key_pem)
    (directory / CA_CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return directory / CA_CERT_FILE


def ensure_ca(directory: str | Path) -> Path:
    """The CA certificate in `directory`, created on first use and kept across restarts."""
    directory = Path(directory)
    cert_path = directory / CA_CERT_FILE
    if cert_path.is_file() and (directory / CA_KEY_FILE).is_file():
        return cert_path
    return make_ca(directory)


def _issue(
    ca_dir: Path,
    common_name: str,
    days: float,
    not_before_offset: dt.timedelta,
    extension: x509.ExtensionType,
) -> tuple[bytes, bytes]:
    """A certificate signed by the CA in `ca_dir`, with one extension: (certificate, key) PEM."""
    ca_cert = x509.load_pem_x509_certificate((ca_dir / CA_CERT_FILE).read_bytes())
    ca_key = serialization.load_pem_private_key((ca_dir / CA_KEY_FILE).read_bytes(), None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError("the CA key is expected to be an EC key made by make_ca()")
    key = ec.generate_private_key(ec.SECP256R1())
    not_before = _now() + not_before_offset
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(extension, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def issue_certificate(
    ca_dir: str | Path,
    *,
    common_name: str = "CTA Demo",
    days: float = 1.0,
    not_before_offset: dt.timedelta = dt.timedelta(minutes=-5),
) -> str:
    """A client certificate signed by the CA in `ca_dir`, as PEM: certificate, then its key.

    It is valid from now + `not_before_offset` for `days` days, so a negative offset larger
    than `days` gives an expired certificate and a positive offset one not yet valid.
    The layout (certificate followed by its private key) is the one of a grid proxy file.
    """
    usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
    cert, key = _issue(Path(ca_dir), common_name, days, not_before_offset, usage)
    return (cert + key).decode()


def issue_server_certificate(ca_dir: str | Path, ip: str = "127.0.0.1") -> tuple[Path, Path]:
    """A one-day TLS server certificate for `ip`, signed by the CA in `ca_dir`: (cert, key)
    files next to the CA, to serve HTTPS that clients trust through the CA's certificate."""
    ca_dir = Path(ca_dir)
    names = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))])
    cert, key = _issue(ca_dir, ip, 1.0, dt.timedelta(minutes=-5), names)
    cert_path, key_path = ca_dir / "server.pem", ca_dir / "server-key.pem"
    cert_path.write_bytes(cert)
    _write_private(key_path, key)
    return cert_path, key_path


def _first_certificate(pem: str) -> x509.Certificate:
    # Only the first certificate counts, as in the deployed service; keys and further
    # certificates in the same file (a proxy file holds both) are ignored.
    match = _PEM_CERT.search(pem or "")
    if match is None:
        raise CertificateRejected("invalid certificate: no PEM certificate found")
    try:
        return x509.load_pem_x509_certificate(match.group().encode())
    except ValueError as e:
        raise CertificateRejected(f"invalid certificate: {e}") from None


def _check_chain(cert: x509.Certificate, ca_bundle: list[x509.Certificate]) -> None:
    for ca in ca_bundle:
        if ca.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(ca)
            return
        except (InvalidSignature, ValueError, TypeError):
            continue  # same name, other key: maybe another CA of the bundle
    raise CertificateRejected(
        "invalid certificate verification chain: not signed by the service's CA "
        f"(issuer: {cert.issuer.rfc4514_string()})"
    )


def verify_certificate(
    pem: str, ca_bundle_pem: bytes, *, now: dt.datetime | None = None
) -> dt.datetime:
    """Check an uploaded certificate; return its end of validity (UTC), else raise
    `CertificateRejected` naming the reason: unreadable, wrong CA, not yet valid, expired,
    or valid for longer than 7 days from today."""
    now = now or _now()
    cert = _first_certificate(pem)
    _check_chain(cert, x509.load_pem_x509_certificates(ca_bundle_pem))
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    if now < not_before:
        raise CertificateRejected(
            f"certificate not yet valid: valid from {not_before:%Y-%m-%d %H:%M} UTC"
        )
    if now >= not_after:
        raise CertificateRejected(f"certificate expired on {not_after:%Y-%m-%d %H:%M} UTC")
    # Compared by date, as the deployed service does: until the end of today + 7 days.
    if not_after.date() > (now + dt.timedelta(days=MAX_VALIDITY_DAYS)).date():
        raise CertificateRejected(
            f"certificate validity too long (until {not_after:%Y-%m-%d %H:%M} UTC): "
            f"please use a short-lived certificate, valid for at most {MAX_VALIDITY_DAYS} days"
        )
    return not_after
