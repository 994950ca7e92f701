"""Production verification: RS256 tokens checked against the identity provider's JWKS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from hlm_kit.auth import TokenVerifier
from hlm_kit.errors import Unauthenticated
from hlm_kit.settings import ServiceSettings

ISSUER, AUDIENCE = "https://idp.example.org/", "hlm-platform"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """A stand-in identity provider on localhost publishing one public key."""
    jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


def production_verifier(jwks_url: str) -> TokenVerifier:
    settings = ServiceSettings.model_validate(
        {
            "environment": "production",
            "database_url": "postgresql://unused@127.0.0.1/unused",
            "amqp_url": "amqp://unused@127.0.0.1/",
            "jwt_jwks_url": jwks_url,
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
        }
    )
    return TokenVerifier(settings)


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    values: dict[str, object] = {
        "sub": "partner-client-7",
        "roles": ["partner"],
        "org": "RYJ",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
    }
    values.update(overrides)
    return values


async def test_a_token_signed_by_the_providers_key_is_accepted(jwks_url: str, signing_key: rsa.RSAPrivateKey) -> None:
    token = jwt.encode(claims(), signing_key, algorithm="RS256", headers={"kid": "key-1"})
    principal = await production_verifier(jwks_url).verify(token)
    assert (principal.sub, principal.roles, principal.org) == (
        "partner-client-7",
        frozenset({"partner"}),
        "RYJ",
    )


async def test_a_token_signed_by_another_key_is_refused(jwks_url: str) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": "key-1"})
    with pytest.raises(Unauthenticated):
        await production_verifier(jwks_url).verify(token)


async def test_a_development_hs256_token_is_refused_in_production(jwks_url: str) -> None:
    token = jwt.encode(claims(), "a-shared-secret-that-production-never-trusts", algorithm="HS256")
    with pytest.raises(Unauthenticated):
        await production_verifier(jwks_url).verify(token)
