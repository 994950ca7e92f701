"""Tokens are verified (signature, expiry, issuer, audience) and roles are enforced."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import jwt
import pytest
import pytest_asyncio
from fastapi import Depends, FastAPI

from hlm_kit import tokens
from hlm_kit.auth import CurrentPrincipal, Principal, Role, TokenVerifier, principal_from_claims, require_role
from hlm_kit.errors import Forbidden, install_problem_handlers
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, AuthHeaders
from hlm_kit.tokens import mint_token


def settings(**overrides: object) -> ServiceSettings:
    values: dict[str, object] = {
        "database_url": "postgresql://unused@127.0.0.1/unused",
        "amqp_url": "amqp://unused@127.0.0.1/",
        "jwt_secret": TEST_JWT_SECRET,
        "jwt_issuer": TEST_JWT_ISSUER,
        "jwt_audience": TEST_JWT_AUDIENCE,
    }
    values.update(overrides)
    return ServiceSettings.model_validate(values)


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.token_verifier = TokenVerifier(settings())
    install_problem_handlers(app)

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict[str, object]:
        return {"sub": principal.sub, "roles": sorted(principal.roles), "org": principal.org, "email": principal.email}

    @app.get("/admin")
    async def admin(_: Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN))]) -> dict[str, str]:
        return {"ok": "yes"}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        yield client


async def test_a_valid_token_gives_the_principal(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    response = await client.get("/me", headers=auth("participant", sub="p-7", org="RYJ"))
    assert response.json() == {"sub": "p-7", "roles": ["participant"], "org": "RYJ", "email": None}


async def test_no_token_is_401_with_a_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "token",
    [
        mint_token(
            "another-secret-entirely-0123456789abc",
            sub="x",
            roles=["participant"],
            issuer=TEST_JWT_ISSUER,
            audience=TEST_JWT_AUDIENCE,
        ),
        mint_token(TEST_JWT_SECRET, sub="x", roles=["participant"], issuer="someone-else", audience=TEST_JWT_AUDIENCE),
        mint_token(TEST_JWT_SECRET, sub="x", roles=["participant"], issuer=TEST_JWT_ISSUER, audience="other-api"),
        mint_token(
            TEST_JWT_SECRET,
            sub="x",
            roles=["participant"],
            issuer=TEST_JWT_ISSUER,
            audience=TEST_JWT_AUDIENCE,
            ttl_s=-3600,
        ),
        jwt.encode(
            {
                "sub": "x",
                "roles": ["participant"],
                "iss": TEST_JWT_ISSUER,
                "aud": TEST_JWT_AUDIENCE,
                "iat": int(time.time()),
            },
            TEST_JWT_SECRET,
            algorithm="HS256",
        ),
        "not-a-jwt",
    ],
    ids=["wrong-signature", "wrong-issuer", "wrong-audience", "expired", "no-expiry", "garbage"],
)
async def test_a_bad_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_an_unsigned_token_is_refused(client: httpx.AsyncClient) -> None:
    unsigned = jwt.encode(
        {
            "sub": "x",
            "roles": ["academy_admin"],
            "iss": TEST_JWT_ISSUER,
            "aud": TEST_JWT_AUDIENCE,
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        key=None,  # type: ignore[arg-type]
        algorithm="none",
    )
    assert (await client.get("/admin", headers={"Authorization": f"Bearer {unsigned}"})).status_code == 401


@pytest.mark.parametrize("role", ["participant", "facilitator", "partner"])
async def test_a_role_check_refuses_other_roles_with_403(
    client: httpx.AsyncClient, auth: AuthHeaders, role: str
) -> None:
    assert (await client.get("/admin", headers=auth(role))).status_code == 403


async def test_a_role_check_admits_the_role(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    assert (await client.get("/admin", headers=auth("academy_admin"))).status_code == 200


def test_production_refuses_a_shared_secret() -> None:
    with pytest.raises(ValueError, match="development only"):
        settings(environment="production")


def test_exactly_one_way_to_verify_tokens_is_configured() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        settings(jwt_jwks_url="https://idp.example.org/jwks")


async def test_a_verified_email_is_the_principals_address(client: httpx.AsyncClient, auth: AuthHeaders) -> None:
    verified = await client.get("/me", headers=auth("participant", email="alex@trust.example.org"))
    unverified = await client.get(
        "/me", headers=auth("participant", email="alex@trust.example.org", email_verified=False)
    )

    assert verified.json()["email"] == "alex@trust.example.org"
    # An address the identity provider has not verified could be anyone's: the caller has none.
    assert unverified.status_code == 200
    assert unverified.json()["email"] is None


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"email": "alex@trust.example.org"},
        {"email": "alex@trust.example.org", "email_verified": False},
        {"email": "alex@trust.example.org", "email_verified": "true"},
        {"email": "alex@trust.example.org", "email_verified": 1},
        {"email_verified": True},
        {"email": "", "email_verified": True},
        {"email": ["alex@trust.example.org"], "email_verified": True},
    ],
    ids=[
        "none",
        "no-email-verified",
        "unverified",
        "verified-as-a-string",
        "verified-as-a-number",
        "no-email",
        "empty",
        "not-a-string",
    ],
)
def test_only_an_email_the_provider_verified_is_read(claims: dict[str, object]) -> None:
    assert principal_from_claims({"sub": "x", "roles": ["participant"], **claims}).email is None


def test_the_verified_email_claim_is_read() -> None:
    claims = {"sub": "x", "roles": ["participant"], "email": "alex@trust.example.org", "email_verified": True}
    assert principal_from_claims(claims).email == "alex@trust.example.org"


def claims_of(token: str) -> dict[str, object]:
    decoded: dict[str, object] = jwt.decode(
        token, TEST_JWT_SECRET, algorithms=["HS256"], audience=TEST_JWT_AUDIENCE, issuer=TEST_JWT_ISSUER
    )
    return decoded


def test_a_development_token_carries_a_verified_email_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HLM_JWT_SECRET", TEST_JWT_SECRET)
    cli = ["--role", "participant", "--sub", "x", "--issuer", TEST_JWT_ISSUER, "--audience", TEST_JWT_AUDIENCE]
    tokens.main(cli)
    tokens.main([*cli, "--email", "alex@trust.example.org"])
    plain, with_email = (claims_of(token) for token in capsys.readouterr().out.split())

    assert "email" not in plain
    assert "email_verified" not in plain
    assert (with_email["email"], with_email["email_verified"]) == ("alex@trust.example.org", True)


def test_an_academy_admin_administers_the_region_their_token_names_and_no_other() -> None:
    admin = Principal(sub="a", roles=frozenset({"academy_admin"}), region="london")
    assert admin.administered_region == "london"
    assert admin.is_academy_admin_for("london")
    assert not admin.is_academy_admin_for("north-west")
    assert not admin.is_academy_admin_for(None)
    assert admin.require_administered_region() == "london"


def test_an_admin_token_without_a_region_administers_nothing_and_cannot_act_in_one() -> None:
    admin = Principal(sub="a", roles=frozenset({"academy_admin"}))
    assert admin.administered_region is None
    assert not admin.is_academy_admin_for("london")
    with pytest.raises(Forbidden, match="must carry the region"):
        admin.require_administered_region()


def test_a_region_claim_without_the_admin_role_administers_nothing() -> None:
    participant = Principal(sub="p", roles=frozenset({"participant", "facilitator"}), region="london")
    assert participant.administered_region is None
    assert not participant.is_academy_admin_for("london")
    with pytest.raises(Forbidden, match="requires role: academy_admin"):
        participant.require_administered_region()
