"""A dCache stand-in for the direct-access tests, and an OIDC issuer for oidc-agent.

- `Issuer`: an OpenID provider on loopback HTTP (discovery, device flow, refresh grant) that
  signs RS256 JWT access tokens with a key made here, with `exp`, and checks the client secret.
  Debian's real `oidc-agent`/`oidc-gen` talk to it.
- `Storage`: the development storage (`ctadata.devservice.storage`, wsgidav on cheroot)
  serving a folder at `/pnfs/cta.cscs.ch/`, behind a WSGI middleware that verifies the bearer
  JWT against the issuer's current key and its expiry and answers 401 otherwise (as dCache
  does). It records what it saw, can throttle downloads and can cut one download after some
  bytes (a dropped connection).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ctadata.devservice.certs import issue_server_certificate, make_ca
from ctadata.devservice.storage import BASE_PATH as BASE
from ctadata.devservice.storage import WebDAVStorage
from ctadata.devservice.throttle import paced


# -- JWT (RS256), just what the tests need -----------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_jwt(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def verify_jwt(token: str, keys: dict[str, rsa.RSAPublicKey]) -> dict[str, Any]:
    """The claims of a valid, unexpired token signed by one of `keys`; ValueError otherwise."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(_unb64(header_b64))
        key = keys[header["kid"]]
        key.verify(
            _unb64(signature_b64),
            f"{header_b64}.{claims_b64}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        claims = json.loads(_unb64(claims_b64))
    except (ValueError, KeyError, InvalidSignature) as exc:
        raise ValueError(f"bad token: {type(exc).__name__}") from exc
    if claims.get("exp", 0) <= time.time():
        raise ValueError("token expired")
    return claims


def make_tls(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for 127.0.0.1 that it signed: (ca, cert, key) PEM files."""
    ca = make_ca(folder)
    return (ca, *issue_server_certificate(folder))


# -- the OpenID provider -----------------------------------------------------------------------
class Issuer:
    """Device flow and refresh grant for one confidential client; tokens live `lifetime` s."""

    user_code = "WDJB-MJHT"

    def __init__(self, client_id: str, client_secret: str, lifetime: float = 60):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = lifetime
        self.issued: list[str] = []
        self.refresh_tokens: set[str] = set()
        self.device_polls = 0
        self._lock = threading.Lock()
        self.rotate()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    self._answer(200, issuer.discovery())
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = issuer.handle(self.path, form, self.headers.get("Authorization"))
                self._answer(status, body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/realms/test/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def rotate(self) -> None:
        """A new signing key; tokens signed with the old one are refused from now on."""
        with self._lock:
            self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._kid = secrets.token_hex(4)

    def public_keys(self) -> dict[str, rsa.RSAPublicKey]:
        with self._lock:
            return {self._kid: self._key.public_key()}

    def mint(self, lifetime: float | None = None, sub: str = "alice") -> str:
        now = time.time()
        claims = {
            "iss": self.url,
            "sub": sub,
            "iat": int(now),
            "exp": now + (self.lifetime if lifetime is None else lifetime),
            "jti": secrets.token_hex(8),
        }
        with self._lock:
            token = make_jwt(claims, self._key, self._kid)
            self.issued.append(token)
        return token

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "auth",
            "token_endpoint": self.url + "token",
            "device_authorization_endpoint": self.url + "device",
            "registration_endpoint": self.url + "register",
            "revocation_endpoint": self.url + "revoke",
            "userinfo_endpoint": self.url + "userinfo",
            "jwks_uri": self.url + "certs",
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "response_types_supported": ["code"],
            "grant_types_supported": [
                "authorization_code",
                "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code",
            ],
            "code_challenge_methods_supported": ["S256"],
        }

    def _client_ok(self, form: dict[str, str], authorization: str | None) -> bool:
        if authorization and authorization.startswith("Basic "):
            given = base64.b64decode(authorization[6:]).decode()
        else:
            given = f"{form.get('client_id')}:{form.get('client_secret')}"
        return given == f"{self.client_id}:{self.client_secret}"

    def _tokens(self) -> dict[str, Any]:
        refresh = secrets.token_hex(16)
        self.refresh_tokens.add(refresh)
        return {
            "access_token": self.mint(),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": int(self.lifetime),
            "scope": "openid profile offline_access",
        }

    def handle(
        self, path: str, form: dict[str, str], authorization: str | None
    ) -> tuple[int, dict[str, Any]]:
        if not self._client_ok(form, authorization):
            return 401, {"error": "invalid_client"}
        if path.endswith("/device"):
            return 200, {
                "device_code": "device-code-1",
                "user_code": self.user_code,
                "verification_uri": self.url + "device",
                "expires_in": 600,
                "interval": 1,
            }
        if path.endswith("/token"):
            grant = form.get("grant_type", "")
            if grant.endswith("device_code"):
                self.device_polls += 1
                if self.device_polls < 2:  # the user has not logged in yet
                    return 400, {"error": "authorization_pending"}
                return 200, self._tokens()
            if grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
                return 200, self._tokens() | {"refresh_token": form["refresh_token"]}
            return 400, {"error": "invalid_grant"}
        return 404, {"error": "not_found"}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- the storage -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    token: str | None
    range: str | None
    status: int


def _cut_after(body: Iterable[bytes], cut: int) -> Iterator[bytes]:
    """The first `cut` bytes of the body, then a lost connection."""
    sent = 0
    try:
        for chunk in body:
            piece = chunk[: cut - sent]
            sent += len(piece)
            yield piece
            if sent >= cut:
                raise ConnectionAbortedError("cut by the test")
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


class Storage:
    """The development storage (wsgidav) at `/pnfs/cta.cscs.ch/`, for bearer JWTs of `keys()`
    only."""

    def __init__(
        self,
        root: Path,
        keys: Callable[[], dict[str, rsa.RSAPublicKey]],
        tls: tuple[Path, Path] | None = None,
    ):
        """`tls`: a certificate and its key: serve HTTPS, as the real door does."""
        self.root = root
        self.keys = keys
        self.seen: list[Seen] = []
        self.throttle: float | None = None  # bytes per second of each GET body
        self._cuts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._storage = WebDAVStorage(root, wrap=self._middleware, tls=tls).start()
        self.url = self._storage.origin

    def cut_once(self, path: str, after: int) -> None:
        """The next GET of `path` (below the base) stops after `after` bytes, connection lost."""
        with self._lock:
            self._cuts[f"{BASE}/{path}"] = after

    def lie_about_digest(self, path: str, times: int) -> None:
        """The next `times` adler32 answers for `path` (below the base) are wrong."""
        self._storage.digests.lie(path, times)

    def tokens_used(self, method: str | None = None) -> list[str | None]:
        return [s.token for s in self.seen if method is None or s.method == method]

    def _middleware(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
            header = environ.get("HTTP_AUTHORIZATION", "")
            token = header[7:] if header.startswith("Bearer ") else None

            def record(status: int) -> None:
                with self._lock:
                    self.seen.append(Seen(method, path, token, environ.get("HTTP_RANGE"), status))

            try:
                if token is None:
                    raise ValueError("no bearer token")
                verify_jwt(token, self.keys())
            except ValueError as exc:
                record(401)
                body = f"Unauthorized: {exc}".encode()
                start_response(
                    "401 Unauthorized",
                    [
                        ("Content-Type", "text/plain"),
                        ("Content-Length", str(len(body))),
                        ("WWW-Authenticate", 'Bearer error="invalid_token"'),
                    ],
                )
                return [body]

            statuses: list[int] = []

            def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                statuses.append(int(status.split()[0]))
                record(statuses[0])
                return start_response(status, headers, *args)

            body = app(environ, start)
            if method != "GET":
                return body
            with self._lock:
                cut = self._cuts.pop(path, None)
            return self._shaped(body, cut)

        return serve

    def _shaped(self, body: Iterable[bytes], cut: int | None) -> Iterable[bytes]:
        """The GET body, stopped short when a cut was asked for, and throttled as the
        development storage's `--throttle` paces it (each piece no earlier than the rate
        allows for the bytes up to its end)."""
        pieces = body if cut is None else _cut_after(body, cut)
        return paced(pieces, self.throttle) if self.throttle else pieces

    def close(self) -> None:
        self._storage.stop()
