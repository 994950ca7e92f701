"""Conditional GETs: strong ETags over the exact response bytes, and 304 for a matching If-None-Match.

``Cache-Control: private, no-cache`` lets a client keep the body but revalidate every time, which costs one
conditional request and no body when nothing has changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from hlm_kit.auth import Principal, TokenVerifier, bearer_token
from hlm_kit.errors import Unauthenticated

_CACHE_CONTROL = "private, no-cache"


def etag_of(body: bytes) -> str:
    """A strong ETag for ``body``."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match == etag:  # what a client sends back, as it was given
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def conditional_response(
    request: Request, body: bytes, *, etag: str | None = None, media_type: str = "application/json"
) -> Response:
    """``body`` with its ETag, or an empty 304 when the client already holds this representation."""
    etag = etag or etag_of(body)
    headers = {"ETag": etag, "Cache-Control": _CACHE_CONTROL}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


class _Prepared(Response):
    """A response whose headers were encoded beforehand (a fresh list each time: a caller may add to it)."""

    def __init__(self, status_code: int, body: bytes, raw_headers: tuple[tuple[bytes, bytes], ...]) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        self.raw_headers = list(raw_headers)


class Representation:
    """Bytes served again and again (a cached read) with their ETag, and both answers to a GET of them
    encoded once: :meth:`respond` then costs a comparison and a small object, never an encoding. The
    answers are exactly :func:`conditional_response`'s."""

    __slots__ = ("_full", "_not_modified", "body", "etag")

    def __init__(self, body: bytes, *, etag: str | None = None, media_type: str = "application/json") -> None:
        self.body = body
        self.etag = etag or etag_of(body)
        headers = {"ETag": self.etag, "Cache-Control": _CACHE_CONTROL}
        self._full = tuple(Response(content=body, media_type=media_type, headers=headers).raw_headers)
        self._not_modified = tuple(Response(status_code=304, headers=headers).raw_headers)

    def respond(self, request: Request) -> Response:
        """The body with its ETag, or an empty 304 when the client already holds it."""
        if _matches(request.headers.get("if-none-match"), self.etag):
            return _Prepared(304, b"", self._not_modified)
        return _Prepared(200, self.body, self._full)


MemoryLookup = Callable[[Principal, Mapping[str, Any]], Representation | None]
"""``lookup(caller, path_params)``: the representation a process holds for a request, or ``None``."""


@dataclass(frozen=True)
class MemoryRead:
    """A GET route some of whose answers a process holds in memory, and how to find them.

    For a route that needs nothing of the request but a verified caller and its path parameters (whatever
    else it takes has its default), that no route before it shadows, and that is included without a
    further prefix. ``lookup`` runs on the event loop for each such request: a look-up in memory, never I/O.
    """

    route: APIRoute
    lookup: MemoryLookup

    @classmethod
    def of(cls, router: APIRouter, endpoint: Callable[..., Any], lookup: MemoryLookup) -> MemoryRead:
        """The read of the GET route of ``router`` that ``endpoint`` serves."""
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint is endpoint and "GET" in (route.methods or ()):
                return cls(route, lookup)
        raise ValueError(f"{endpoint.__qualname__} serves no GET route of this router")


class MemoryReads:
    """Pure ASGI middleware, inside the request context and the edge's checks: a GET that a
    :class:`MemoryRead` finds in memory is answered here, with what its route answers
    (:meth:`Representation.respond`: the body or a 304), but without routing, dependency resolution and
    the endpoint, which cost several times what the answer itself does.

    Only a plain request qualifies: no query string, a bearer token that verifies (one verified before
    costs a dictionary look-up), a path the route matches and a representation in memory. Anything else,
    every refusal included, goes on to the route, which answers it as always. The request context sees
    the route matched with its path parameters: metrics, the server span and log lines name it, and
    redact its path, as for a routed request.
    """

    def __init__(self, app: ASGIApp, reads: Sequence[MemoryRead]) -> None:
        self.app = app
        self._reads = tuple(reads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            response = await self._from_memory(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _from_memory(self, scope: Scope) -> Response | None:
        if scope.get("root_path"):
            return None  # routes match the path below it; not worth reproducing here
        for read in self._reads:
            match = read.route.path_regex.match(scope["path"])
            if match is None:
                continue
            request = Request(scope)
            token = bearer_token(request.headers.get("authorization"))
            if token is None:
                return None
            verifier: TokenVerifier = request.app.state.token_verifier
            try:
                caller = await verifier.verify(token)
            except Unauthenticated:
                return None
            convertors = read.route.param_convertors
            params = {name: convertors[name].convert(value) for name, value in match.groupdict().items()}
            representation = read.lookup(caller, params)
            if representation is None:
                return None
            scope["route"], scope["endpoint"], scope["path_params"] = read.route, read.route.endpoint, params
            return representation.respond(request)
        return None
