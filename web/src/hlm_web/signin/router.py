"""Sign in and out.

/sign-in                 the sign-in page: the NHS account (OpenID Connect), and in development a local page
/sign-in/start           redirect to the provider (authorization code, PKCE S256, state and nonce)
/sign-in/callback        the provider's answer: the code is redeemed with its code_verifier
/sign-in/development     development only: pick a role, sub, organisation and region; mints `make token`'s token
/sign-out                forget the session
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import structlog
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from hlm_kit.tokens import mint_token
from hlm_web import csrf
from hlm_web.config import Settings
from hlm_web.signin import session
from hlm_web.templating import render

log = structlog.get_logger(__name__)

router = APIRouter()

PROVIDER = "nhs"
ROLES = ("participant", "facilitator", "academy_admin", "partner")
DEV_TOKEN_TTL_S = 8 * 3600


def create_oauth(settings: Settings) -> OAuth | None:
    """The OpenID Connect client, or None when no provider is configured (a development machine)."""
    if settings.oidc_issuer is None:
        return None
    oauth = OAuth()
    oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        # PKCE with S256: Authlib makes a code_verifier per sign-in, keeps it in the session and sends it
        # with the code, so a code stolen from the redirect cannot be redeemed by anyone else.
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )
    return oauth


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _oauth(request: Request) -> Any:
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        raise HTTPException(status_code=404)
    return getattr(oauth, PROVIDER)


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    settings = _settings(request)
    session.remember_next(request, next)
    return render(
        request,
        "signin/sign_in.html",
        {"has_provider": request.app.state.oauth is not None, "development": settings.development_sign_in},
    )


@router.get("/sign-in/start")
async def start(request: Request) -> Response:
    client = _oauth(request)
    response: Response = await client.authorize_redirect(request, str(request.url_for("sign_in_callback")))
    return response


@router.get("/sign-in/callback", name="sign_in_callback")
async def callback(request: Request) -> Response:
    client, settings = _oauth(request), _settings(request)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as exc:
        # Refused at the provider, or a stale or replayed answer (its state no longer in the session).
        log.warning("sign-in did not complete", error=exc.error)
        return render(
            request,
            "signin/sign_in.html",
            {"has_provider": True, "development": settings.development_sign_in, "failed": True},
            status_code=400,
        )
    claims = token.get("userinfo") or {}
    bearer = token.get(settings.oidc_bearer)
    if not bearer or "sub" not in claims:
        log.error("the provider's answer lacked the token or the subject", bearer=settings.oidc_bearer)
        raise HTTPException(status_code=502)
    expires_at = min(
        int(token.get("expires_at") or claims.get("exp") or 0), int(time.time()) + settings.session_max_age_s
    )
    session.sign_in(
        request, sub=claims["sub"], name=claims.get("name") or claims.get("email") or claims["sub"],
        bearer=bearer, expires_at=expires_at,
    )  # fmt: skip
    return RedirectResponse(session.take_next(request), status_code=303)


def _development(request: Request) -> Settings:
    settings = _settings(request)
    # Not merely hidden in production: the page does not exist there.
    if not settings.development_sign_in:
        raise HTTPException(status_code=404)
    return settings


@router.get("/sign-in/development", response_class=HTMLResponse)
async def development_page(request: Request) -> Response:
    _development(request)
    return render(request, "signin/development.html", {"roles": ROLES, "values": {"role": "participant"}})


@router.post("/sign-in/development", dependencies=[Depends(_development), Depends(csrf.protect)])
async def development_sign_in(
    request: Request,
    role: Annotated[str, Form()] = "",
    sub: Annotated[str, Form()] = "",
    org: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
) -> Response:
    settings = _development(request)
    sub, org, region = sub.strip(), org.strip(), region.strip()
    errors = []
    if role not in ROLES:
        errors.append(("role", "Select a role"))
    if not sub:
        errors.append(("sub", "Enter who you are signing in as"))
    if errors:
        values = {"role": role, "sub": sub, "org": org, "region": region}
        return render(
            request,
            "signin/development.html",
            {"roles": ROLES, "values": values, "errors": errors, "error_for": dict(errors)},
            status_code=400,
        )
    assert settings.dev_jwt_secret is not None  # development_sign_in says so
    bearer = mint_token(
        settings.dev_jwt_secret.get_secret_value(), sub=sub, roles=(role,), org=org or None, region=region or None,
        issuer=settings.dev_jwt_issuer, audience=settings.dev_jwt_audience, ttl_s=DEV_TOKEN_TTL_S,
    )  # fmt: skip
    session.sign_in(request, sub=sub, name=sub, bearer=bearer, expires_at=int(time.time()) + DEV_TOKEN_TTL_S)
    return RedirectResponse(session.take_next(request), status_code=303)


@router.post("/sign-out", dependencies=[Depends(csrf.protect)])
async def sign_out(request: Request) -> Response:
    session.sign_out(request)
    return RedirectResponse("/signed-out", status_code=303)


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> Response:
    return render(request, "signin/signed_out.html")


@router.get("/sign-out", response_class=HTMLResponse)
async def sign_out_page(request: Request) -> Response:
    return render(request, "signin/sign_out.html")
