"""Conditional GETs: strong ETags over the exact response bytes, and 304 for a matching If-None-Match."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response


def etag_of(body: bytes) -> str:
    """A strong ETag for ``body``."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def conditional_response(
    request: Request, body: bytes, *, etag: str | None = None, media_type: str = "application/json"
) -> Response:
    """``body`` with its ETag, or an empty 304 when the client already holds this representation.

    ``Cache-Control: private, no-cache`` lets a client keep the body but revalidate every time, which
    costs one conditional request and no body when nothing has changed.
    """
    etag = etag or etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)
