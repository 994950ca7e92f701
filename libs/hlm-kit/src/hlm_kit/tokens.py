"""Mint development tokens signed with the shared HS256 secret (``make token``)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

import jwt

DEFAULT_ISSUER = "hlm-dev"
DEFAULT_AUDIENCE = "hlm-platform"


def mint_token(
    secret: str,
    *,
    sub: str,
    roles: Sequence[str],
    org: str | None = None,
    region: str | None = None,
    email: str | None = None,
    email_verified: bool = True,
    issuer: str = DEFAULT_ISSUER,
    audience: str = DEFAULT_AUDIENCE,
    ttl_s: int = 3600,
) -> str:
    """Return a signed JWT carrying the claims every service reads; with ``email``, also the OpenID Connect
    ``email`` and ``email_verified`` claims (verified unless ``email_verified=False``)."""
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": sub,
        "roles": list(roles),
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl_s,
    }
    if org:
        claims["org"] = org
    if region:
        claims["region"] = region
    if email:
        claims["email"] = email
        claims["email_verified"] = email_verified
    return jwt.encode(claims, secret, algorithm="HS256")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mint a development JWT for the HLM platform.")
    parser.add_argument("--role", action="append", required=True, help="repeat for several roles")
    parser.add_argument("--sub", required=True)
    parser.add_argument("--org")
    parser.add_argument("--region")
    parser.add_argument("--email", help="a verified email address (email and email_verified claims)")
    parser.add_argument("--ttl-s", type=int, default=8 * 3600)
    parser.add_argument("--issuer", default=os.environ.get("HLM_JWT_ISSUER", DEFAULT_ISSUER))
    parser.add_argument("--audience", default=os.environ.get("HLM_JWT_AUDIENCE", DEFAULT_AUDIENCE))
    args = parser.parse_args(argv)
    secret = os.environ.get("HLM_JWT_SECRET")
    if not secret:
        sys.exit("HLM_JWT_SECRET is not set: it must be the secret the services verify with")
    roles = [r for value in args.role for r in value.split(",") if r]
    print(
        mint_token(
            secret,
            sub=args.sub,
            roles=roles,
            org=args.org,
            region=args.region,
            email=args.email,
            issuer=args.issuer,
            audience=args.audience,
            ttl_s=args.ttl_s,
        )
    )
