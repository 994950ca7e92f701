"""A verified token is remembered until it expires, and only then: whatever was refused stays refused.

Each client sends the same bearer token with every request, so a service verifies each token once and
remembers the principal by the token's exact text. These tests hold that remembering changes nothing a
caller can observe: an expired token is refused even after it was accepted, an altered one is refused
even while the original is remembered, and a token for another audience or issuer, or signed with
another key, is refused however often it is sent.
"""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from hlm_kit.auth import TokenVerifier
from hlm_kit.errors import Unauthenticated
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET
from hlm_kit.tokens import mint_token


def verifier(**overrides: object) -> TokenVerifier:
    values: dict[str, object] = {
        "database_url": "postgresql://unused@127.0.0.1/unused",
        "amqp_url": "amqp://unused@127.0.0.1/",
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
    }
    values.update(overrides)
    return TokenVerifier(ServiceSettings.model_validate(values))


def token(*, secret: str = TEST_JWT_SECRET, ttl_s: int = 3600, **overrides: str) -> str:
    claims = {"issuer": TEST_JWT_ISSUER, "audience": TEST_JWT_AUDIENCE, **overrides}
    return mint_token(secret, sub="p-1", roles=["participant"], ttl_s=ttl_s, **claims)  # type: ignore[arg-type]


async def test_a_token_accepted_before_it_expired_is_refused_once_it_has() -> None:
    tokens = verifier(jwt_leeway_s=0)
    short_lived = token(ttl_s=1)
    assert (await tokens.verify(short_lived)).sub == "p-1"
    assert (await tokens.verify(short_lived)).sub == "p-1"  # remembered

    expires_at = jwt.decode(short_lived, options={"verify_signature": False})["exp"]
    await asyncio.sleep(max(0.0, expires_at + 0.05 - time.time()))  # until it has expired, by the clock

    with pytest.raises(Unauthenticated, match="expired"):
        await tokens.verify(short_lived)


async def test_the_leeway_is_granted_once_and_no_further() -> None:
    # Expired a second ago: inside a leeway of 30 s it is accepted, and remembered no longer than that.
    tokens = verifier(jwt_leeway_s=30)
    just_expired = token(ttl_s=-1)
    assert (await tokens.verify(just_expired)).sub == "p-1"
    strict = verifier(jwt_leeway_s=0)
    with pytest.raises(Unauthenticated, match="expired"):
        await strict.verify(just_expired)


async def test_an_altered_token_is_refused_while_the_original_is_remembered() -> None:
    tokens = verifier()
    original = token()
    assert (await tokens.verify(original)).sub == "p-1"

    header, payload, signature = original.split(".")
    other_signature = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    forged_payload = jwt.utils.base64url_encode(
        b'{"sub":"p-1","roles":["academy_admin"],"iss":"%s","aud":"%s","iat":1,"exp":9999999999}'
        % (TEST_JWT_ISSUER.encode(), TEST_JWT_AUDIENCE.encode())
    ).decode()
    for altered in (f"{header}.{payload}.{other_signature}", f"{header}.{forged_payload}.{signature}"):
        for _ in range(2):
            with pytest.raises(Unauthenticated, match="invalid token"):
                await tokens.verify(altered)
    assert (await tokens.verify(original)).roles == frozenset({"participant"})


@pytest.mark.parametrize(
    ("what", "bad_token"),
    [
        ("another key", token(secret="not-the-platform-secret-0123456789")),
        ("another audience", token(audience="someone-else")),
        ("another issuer", token(issuer="someone-else")),
    ],
)
async def test_a_refused_token_stays_refused(what: str, bad_token: str) -> None:
    tokens = verifier()
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await tokens.verify(bad_token)
