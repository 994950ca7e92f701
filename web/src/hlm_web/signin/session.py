"""Who is signed in, kept in the session cookie (Starlette's, signed with the web front's secret).

The session holds the token the gateway is called with and when it runs out. It is HttpOnly, Secure
outside a development machine, and SameSite=Lax: the provider's redirect back to the callback is a
top-level navigation from another site, which a Strict cookie would miss."""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from hlm_web.gateway import SignInNeeded

COOKIE = "hlm-session"
_PERSON = "person"
_NEXT = "next"


@dataclass(frozen=True)
class Person:
    sub: str
    name: str
    bearer: str
    expires_at: int

    @property
    def roles(self) -> frozenset[str]:
        """The roles the token claims, read without checking it: only to choose which links the header
        offers. The gateway checks the token on every call and alone decides what the person may do."""
        try:
            payload = self.bearer.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (IndexError, ValueError, binascii.Error):
            return frozenset()
        roles = claims.get("roles") if isinstance(claims, dict) else None
        return frozenset(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else frozenset()


def sign_in(request: Request, *, sub: str, name: str, bearer: str, expires_at: int) -> None:
    request.session[_PERSON] = {"sub": sub, "name": name, "bearer": bearer, "expires_at": expires_at}


def sign_out(request: Request) -> None:
    request.session.pop(_PERSON, None)


def signed_in(request: Request) -> Person | None:
    """The person signed in, or None when nobody is or their token has run out."""
    held: dict[str, Any] | None = request.session.get(_PERSON)
    if not held:
        return None
    person = Person(**held)
    if person.expires_at <= time.time():
        sign_out(request)
        return None
    return person


def current_person(request: Request) -> Person:
    """A dependency of every page of a signed-in person: without a live session they sign in first."""
    person = signed_in(request)
    if person is None:
        raise SignInNeeded
    return person


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another host (an open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or value.startswith("/\\"):
        return "/assessments"
    return value


def remember_next(request: Request, value: str | None) -> None:
    request.session[_NEXT] = safe_next(value)


def take_next(request: Request) -> str:
    return safe_next(request.session.pop(_NEXT, None))
