"""Rater tokens: 256 random bits, kept only as their SHA-256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> tuple[str, bytes]:
    """A new token (URL-safe text, 43 characters) and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def same_hash(stored: bytes, presented: bytes) -> bool:
    return hmac.compare_digest(stored, presented)
