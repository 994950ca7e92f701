"""Signing in: the NHS account through OpenID Connect (a local provider here), the development page, and a
session that runs out, in Debian's chromium. Every page of ours a test reaches is checked by the one axe helper."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import urllib.parse

import httpx
import jwt
import pytest
from itsdangerous import TimestampSigner

from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET
from hlm_kit.tokens import mint_token
from hlm_web.config import Settings

from .axe import Axe
from .conftest import OIDC_CLIENT_ID, WEB_SECRET, Platform, Visit
from .pages import SignInPage


async def test_a_participant_signs_in_with_their_nhs_account_using_pkce(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    sign_in = await SignInPage.open(page, platform.web_url)
    assert await sign_in.heading() == "Sign in"
    await axe.assert_clean(page)
    provider_page = await sign_in.with_nhs_account()

    # The authorization request carried a PKCE challenge, by S256.
    authorize = next(url for url in visit.requests if url.startswith(f"{platform.provider.url}/oauth2/authorize"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["client_id"] == [OIDC_CLIENT_ID]
    assert "state" in query
    assert "nonce" in query

    before = len(platform.to_gateway.authorizations)
    await provider_page.authorize_as(participant_sub)

    # The code was redeemed with the verifier whose S256 hash is that challenge.
    verifier = platform.provider.token_requests[-1]["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == query["code_challenge"][0]

    # The ID token the provider issued is what the gateway was called with, as Bearer. (The services
    # here trust the development secret, not this provider's keys, so the gateway refuses it and the
    # person is asked to sign in again: the same path as a token that has been revoked.)
    sent = [a for a in platform.to_gateway.authorizations[before:] if a]
    assert sent, "the gateway was not called with the person's token"
    claims = jwt.decode(sent[0].removeprefix("Bearer "), options={"verify_signature": False})
    assert claims["sub"] == participant_sub
    assert claims["iss"] == platform.provider.url
    assert OIDC_CLIENT_ID in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    assert page.url.startswith(f"{platform.web_url}/sign-in")
    await axe.assert_clean(page)


async def test_a_developer_signs_in_on_the_development_page(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    sign_in = await SignInPage.open(page, platform.web_url)
    assert "Development only" in await page.locator("main").inner_text()
    development = await sign_in.as_development_user()
    assert await development.heading() == "Sign in as a development user"
    assert "It is not available in production" in await page.locator("main").inner_text()
    await axe.assert_clean(page)

    # Nobody named: the NHS.UK error summary.
    await page.get_by_role("button", name="Sign in").click()
    assert await development.error_summary() == ["Enter who you are signing in as"]
    assert (await development.title()).startswith("Error: ")
    await axe.assert_clean(page)

    landed = await development.sign_in(sub=participant_sub)
    assert await landed.heading() == "Your assessments"
    assert participant_sub in await page.locator("header").inner_text()
    await axe.assert_clean(page)
    cookie = next(c for c in await visit.context.cookies() if c["name"] == "hlm-session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"

    # Signing out forgets the session: the next page asks to sign in again.
    await page.get_by_role("link", name="Sign out").click()
    await axe.assert_clean(page)
    await page.get_by_role("button", name="Sign out").click()
    assert await landed.heading() == "You have signed out"
    await axe.assert_clean(page)
    await page.goto(f"{platform.web_url}/assessments")
    assert await landed.heading() == "Sign in"


def session_cookie(session: dict[str, object]) -> str:
    """The session cookie Starlette's SessionMiddleware would have set, signed with the web front's secret."""
    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(WEB_SECRET).sign(data).decode()


async def test_an_expired_session_signs_in_again_and_comes_back_to_the_page(
    platform: Platform, participant_sub: str, visit: Visit
) -> None:
    axe, page = Axe(), visit.page
    expired = mint_token(
        TEST_JWT_SECRET, sub=participant_sub, roles=("participant",), issuer=TEST_JWT_ISSUER,
        audience=TEST_JWT_AUDIENCE, ttl_s=-120,
    )  # fmt: skip
    person = {"sub": participant_sub, "name": participant_sub, "bearer": expired, "expires_at": int(time.time()) - 60}
    await visit.context.add_cookies(
        [{"name": "hlm-session", "value": session_cookie({"person": person}), "url": platform.web_url}]
    )
    await page.goto(f"{platform.web_url}/assessments?from=mail")
    sign_in = SignInPage(page)
    assert await sign_in.heading() == "Sign in"
    await axe.assert_clean(page)
    landed = await (await sign_in.as_development_user()).sign_in(sub=participant_sub)
    assert page.url == f"{platform.web_url}/assessments?from=mail"
    assert await landed.heading() == "Your assessments"


async def test_a_token_the_gateway_refuses_sends_the_person_to_sign_in(
    platform: Platform, participant_sub: str
) -> None:
    # Signed and unexpired as far as the web front knows, but not by a key the platform trusts.
    forged = mint_token(
        "not-the-platform-secret-0123456789abcdef", sub=participant_sub, roles=("participant",),
        issuer=TEST_JWT_ISSUER, audience=TEST_JWT_AUDIENCE,
    )  # fmt: skip
    person = {"sub": participant_sub, "name": participant_sub, "bearer": forged, "expires_at": int(time.time()) + 600}
    transport = httpx.ASGITransport(app=platform.web_app)
    async with httpx.AsyncClient(transport=transport, base_url=platform.web_url) as browser:
        browser.cookies.set("hlm-session", session_cookie({"person": person}))
        answer = await browser.get("/reports/00000000-0000-0000-0000-000000000001")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Freports%2F00000000-0000-0000-0000-000000000001"


async def test_the_development_page_does_not_exist_in_production(platform: Platform) -> None:
    from hlm_web import csrf
    from hlm_web.main import create_app

    settings = Settings(
        environment="production",
        secret_key=WEB_SECRET,  # type: ignore[arg-type]
        oidc_issuer="https://login.example.nhs.uk",
        oidc_client_secret="a-secret",  # type: ignore[arg-type]
        log_json=False,
    )
    app = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://web.example") as browser:
            page = await browser.get("/sign-in/development")
            posted = await browser.post("/sign-in/development", data={"role": "participant", "sub": "x"})
            sign_in = await browser.get("/sign-in?next=/assessments")
    finally:
        # fastapi-csrf-protect keeps one configuration per process: give the shared web front its own back.
        csrf.configure(platform.web_app.state.settings)
    assert page.status_code == 404
    assert posted.status_code == 404
    assert "development user" not in sign_in.text
    # The session cookie is Secure, HttpOnly and SameSite=Lax in production.
    cookie = next(h for h in sign_in.headers.get_list("set-cookie") if h.startswith("hlm-session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower()


def test_production_refuses_the_development_secret_and_needs_the_client_secret() -> None:
    with pytest.raises(ValueError, match="development only"):
        Settings(
            environment="production", secret_key=WEB_SECRET, oidc_issuer="https://login.example.nhs.uk",  # type: ignore[arg-type]
            oidc_client_secret="s", dev_jwt_secret="d",  # type: ignore[arg-type]
        )  # fmt: skip
    with pytest.raises(ValueError, match="WEB_OIDC_CLIENT_SECRET"):
        Settings(environment="production", secret_key=WEB_SECRET, oidc_issuer="https://login.example.nhs.uk")  # type: ignore[arg-type]


async def test_signing_in_never_sends_the_person_to_another_host(platform: Platform, participant_sub: str) -> None:
    transport = httpx.ASGITransport(app=platform.web_app)
    async with httpx.AsyncClient(transport=transport, base_url=platform.web_url) as browser:
        await browser.get("/sign-in", params={"next": "//evil.example/phish"})
        form = await browser.get("/sign-in/development")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        signed_in = await browser.post(
            "/sign-in/development",
            data={"csrf_token": token.group(1), "role": "participant", "sub": participant_sub},
        )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/assessments"


async def test_the_address_a_person_is_given_leads_to_sign_in_and_then_their_assessments(platform: Platform) -> None:
    transport = httpx.ASGITransport(app=platform.web_app)
    async with httpx.AsyncClient(transport=transport, base_url=platform.web_url) as browser:
        home = await browser.get("/")
        assessments = await browser.get(home.headers["location"])
    assert (home.status_code, home.headers["location"]) == (303, "/assessments")
    assert assessments.status_code == 303
    assert assessments.headers["location"] == "/sign-in?next=%2Fassessments"
