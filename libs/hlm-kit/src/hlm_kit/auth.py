"""JWT bearer authentication and role checks.

Every service verifies the caller's token itself (the gateway only forwards it). Development signs
tokens with a shared HS256 secret; production verifies RS256/ES256 tokens against the identity
provider's JWKS. Issuer and audience are always checked.

A token may carry the OpenID Connect ``email`` and ``email_verified`` claims. The address is taken only
when the identity provider says it has verified it (``email_verified`` is JSON ``true``); an address it
has not verified, or one without that claim, is ignored, since anyone can type any address into their
profile. Whatever mails a user at their own address uses :attr:`Principal.email` and nothing typed in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase

from hlm_kit.errors import Forbidden, Unauthenticated
from hlm_kit.settings import PlatformSettings


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    ACADEMY_ADMIN = "academy_admin"
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's subject, roles, organisation code and region, and their email address
    when the identity provider has verified it (else ``None``)."""

    sub: str
    roles: frozenset[str] = field(default_factory=frozenset)
    org: str | None = None
    region: str | None = None
    # Only an address with `email_verified: true` beside it: the caller has shown the identity provider
    # they receive mail there, so mail sent to it reaches them and no one else they named.
    email: str | None = None

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    # An academy administrator administers one region: the one their token names. The rule lives here,
    # once, because every service applies it to its own records (cycles, reports, facilitators).

    @property
    def administered_region(self) -> str | None:
        """The region this caller administers: an academy admin's token ``region``. ``None`` for anyone
        else, and for an admin whose token names no region, who then administers nothing."""
        if not self.has_role(Role.ACADEMY_ADMIN) or not self.region:
            return None
        return self.region

    def is_academy_admin_for(self, region: str | None) -> bool:
        """Whether this caller is an academy admin of ``region`` (never of a record with no region)."""
        return region is not None and self.administered_region == region

    def require_administered_region(self) -> str:
        """:attr:`administered_region`, or 403 for a caller who is not an academy admin or whose token
        names no region: for actions that only make sense inside one region (registering a facilitator)."""
        if not self.has_role(Role.ACADEMY_ADMIN):
            raise Forbidden("requires role: academy_admin")
        if not self.region:
            raise Forbidden("an academy administrator's token must carry the region they manage")
        return self.region


# How many verified tokens a process remembers, and for how long at most: a client sends the same token
# with every request until it expires, so each is verified once instead of once per request.
VERIFIED_TOKENS_KEPT = 4096
VERIFIED_TOKEN_MAX_AGE_S = 300.0


class TokenVerifier:
    """Verifies a bearer token and turns its claims into a :class:`Principal`.

    A token that passed verification (signature, issuer, audience, expiry) is remembered by its exact
    text until it expires (with the same leeway), and never longer than ``VERIFIED_TOKEN_MAX_AGE_S``:
    the same bytes verify the same way until then, so the signature is not checked again on each of the
    client's requests. Anything else is verified in full: a token altered by a single character is a
    different text, and a refusal is never remembered. The cap bounds how long a token signed with a key
    the identity provider has since withdrawn from its JWKS stays accepted (the JWKS itself is cached as
    long).
    """

    def __init__(self, settings: PlatformSettings) -> None:
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_s
        # Token text -> (its principal, the time.time() until which it is accepted); the oldest goes first.
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._jwks: jwt.PyJWKClient | None = None
        self._secret: str | None = None
        if settings.jwt_jwks_url:
            # PyJWKClient caches the key set and refetches when it meets an unknown key id.
            self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300)
        elif settings.jwt_secret is not None:
            self._secret = settings.jwt_secret.get_secret_value()

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, valid_until = remembered
            if time.time() < valid_until:
                return principal
            self._verified.pop(token, None)
        try:
            if self._jwks is not None:
                # Fetching the key set is blocking I/O; keep it off the event loop.
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
                claims = self._decode(token, signing_key.key, ["RS256", "ES256"])
            else:
                claims = self._decode(token, self._secret or "", ["HS256"])
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        principal = principal_from_claims(claims)
        self._remember(token, principal, float(claims["exp"]))
        return principal

    def _remember(self, token: str, principal: Principal, expires_at: float) -> None:
        # PyJWT refuses a token once now >= exp + leeway, so it is accepted until then and no later.
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (principal, min(expires_at + self._leeway, time.time() + VERIFIED_TOKEN_MAX_AGE_S))

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=self._audience,
            issuer=self._issuer,
            leeway=self._leeway,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Read ``sub``, ``roles`` (a list or a space-separated string), ``org``, ``region``, and ``email``
    when ``email_verified`` is ``true``."""
    roles = claims.get("roles", [])
    if isinstance(roles, str):
        roles = roles.split()
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("invalid token: roles must be a list of strings")
    org, region = claims.get("org"), claims.get("region")
    return Principal(
        sub=str(claims["sub"]),
        roles=frozenset(roles),
        org=org if isinstance(org, str) else None,
        region=region if isinstance(region, str) else None,
        email=verified_email(claims),
    )


def verified_email(claims: dict[str, Any]) -> str | None:
    """The ``email`` claim if ``email_verified`` is the boolean ``true``; else ``None``. A missing claim, a
    ``false``, or a string such as ``"true"`` all count as unverified: only the standard form vouches."""
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str) or not email.strip():
        return None
    return email.strip()


class BearerAuthentication(SecurityBase):
    """FastAPI dependency: the verified caller of the request's ``Authorization: Bearer`` token, or 401.

    One dependency, not a credentials dependency and another verifying them: each level of dependencies
    costs FastAPI a resolution on every request of every route. It declares itself as the ``HTTPBearer``
    security scheme, so the OpenAPI documents are what ``fastapi.security.HTTPBearer`` makes them.
    """

    def __init__(self) -> None:
        self.model = HTTPBearerModel()
        self.scheme_name = "HTTPBearer"

    async def __call__(self, request: Request) -> Principal:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise Unauthenticated("a bearer token is required")
        verifier: TokenVerifier = request.app.state.token_verifier
        return await verifier.verify(token)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (the scheme in any case), else ``None``."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if not token or scheme.lower() != "bearer":
        return None
    return token


authenticate = BearerAuthentication()
"""The verified caller, or 401 (``Depends(authenticate)``, as :data:`CurrentPrincipal`)."""

CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers holding one of ``roles`` (else 403)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            raise Forbidden(f"requires role: {' or '.join(r.value for r in roles)}")
        return principal

    return dependency


# Who may call, as route parameter types: the same names in every service, each the callers holding one
# of the roles it names (anyone else: 403).
Participant = Annotated[Principal, Depends(require_role(Role.PARTICIPANT))]
Facilitator = Annotated[Principal, Depends(require_role(Role.FACILITATOR))]
Admin = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN))]
"""An academy administrator (what of their region they may touch is :attr:`Principal.administered_region`)."""
Partner = Annotated[Principal, Depends(require_role(Role.PARTNER))]
AdminOrParticipant = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.PARTICIPANT))]
AdminOrFacilitator = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.FACILITATOR))]
AdminOrPartner = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.PARTNER))]
"""An academy admin, or a partner organisation's system acting for its organisation."""
AnyUser = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN, Role.FACILITATOR, Role.PARTICIPANT))]
"""A person: participant, facilitator or academy admin; not a partner organisation's system."""
