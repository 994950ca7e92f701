"""What the HTTP edge refuses before it can reach the database.

PostgreSQL stores no NUL character in text, and an ``integer`` column holds 32 bits. A request carrying
either used to travel all the way to the driver and fail there as a 500. Both are the client's mistake
and are answered 422 here, naming the field:

- :class:`NulRejection`, installed on every service by :func:`hlm_kit.app.create_service_app`, refuses
  a NUL in the path, in any query parameter and anywhere in a JSON body, so no endpoint needs to think
  about it. Models read from other formats (YAML documents, CSV files) use :data:`NulFreeStr`.
- :data:`Int32`, :data:`PositiveInt32` and :data:`NonNegativeInt32` bound an integer to what its column
  holds. Every integer a client sends that is stored in, or compared with, an ``integer`` column uses
  one (``version: PositiveInt32``, ``Annotated[PositiveInt32 | None, Query()]``, or a model field).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

import structlog
from annotated_types import Interval
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hlm_kit.errors import FieldError, problem_response

log = structlog.get_logger(__name__)

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

Int32 = Annotated[int, Interval(ge=INT32_MIN, le=INT32_MAX)]
"""An integer that fits a PostgreSQL ``integer`` column."""

PositiveInt32 = Annotated[int, Interval(ge=1, le=INT32_MAX)]
"""A positive integer that fits a PostgreSQL ``integer`` column (version numbers, positions)."""

NonNegativeInt32 = Annotated[int, Interval(ge=0, le=INT32_MAX)]
"""Zero or a positive integer that fits a PostgreSQL ``integer`` column (counts)."""

NUL = "\x00"
NUL_ERROR_TYPE = "string_nul"
NUL_ERROR_MESSAGE = "must not contain the NUL character (U+0000)"


def _refuse_nul(value: str) -> str:
    if NUL in value:
        raise PydanticCustomError(NUL_ERROR_TYPE, NUL_ERROR_MESSAGE)
    return value


NulFreeStr = Annotated[str, AfterValidator(_refuse_nul)]
"""A string without NUL, for models read from something other than a JSON body (which the edge checks)."""


def _nul_in(value: Any, loc: list[str | int]) -> Iterator[list[str | int]]:
    # Every place in a decoded JSON document where a key or a string holds a NUL.
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield [*loc, key]
            yield from _nul_in(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_in(item, [*loc, index])


def _field_errors(locations: Iterator[list[str | int]]) -> list[FieldError]:
    return [FieldError(loc=loc, msg=NUL_ERROR_MESSAGE, type=NUL_ERROR_TYPE) for loc in locations]


def nul_in_path_and_query(scope: Scope) -> list[FieldError]:
    """Where the path or the query string of ``scope`` holds a NUL (once decoded)."""
    errors = _field_errors(iter([["path"]])) if NUL in scope["path"] else []
    raw_query: bytes = scope.get("query_string", b"")
    # The common case costs one scan of the raw bytes; only a suspect query string is decoded.
    if b"%00" in raw_query or b"\x00" in raw_query:
        errors += _field_errors(
            ["query", name] for name, value in QueryParams(raw_query).multi_items() if NUL in name or NUL in value
        )
    return errors


def nul_in_json(body: bytes) -> list[FieldError]:
    """Where a JSON ``body`` holds a NUL in a key or a string. A body that is not JSON is left to the
    endpoint, which answers it with its own validation error."""
    # JSON can only carry NUL as the escape \u0000 (a raw control character is invalid JSON), so a
    # body without that sequence is never decoded here.
    if b"\\u0000" not in body:
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []
    return _field_errors(_nul_in(document, ["body"]))


def _is_json(scope: Scope) -> bool:
    # FastAPI reads a body without a content type as JSON, so it is checked like one.
    raw = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    content_type = raw.decode("latin-1").split(";", 1)[0].strip().lower()
    return not content_type or content_type == "application/json" or content_type.endswith("+json")


class NulRejection:
    """Pure ASGI middleware: a request with a NUL in its path, query or JSON body is answered 422
    problem+json, listing where, and never reaches the application. A JSON body is read whole and handed
    on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        errors = nul_in_path_and_query(scope)
        if not errors and scope["method"] not in ("GET", "HEAD", "OPTIONS") and _is_json(scope):
            body, disconnected = await _read_body(receive)
            errors = nul_in_json(body)
            receive = _replay(body, disconnected, receive)
        if errors:
            # Refused before routing, so no path is logged: it may be a rater's link.
            log.info("request invalid", status=422, fields=[e.loc for e in errors], method=scope["method"])
            response = problem_response(
                Request(scope),
                422,
                code="validation-error",
                detail=f"{len(errors)} invalid field(s)",
                errors=errors,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    # The application reads the body it would have read, then whatever the server sends next.
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if disconnected:
        pending.append({"type": "http.disconnect"})

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
