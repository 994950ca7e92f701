"""A hot read's answer written by orjson from plain values, byte for byte as pydantic writes its response model.

FastAPI answers a returned model by dumping it to Python, validating that against the ``response_model``
again and encoding the result; building the model first (each item validated) doubles it. For a page of
rows read as plain values, :func:`encode` writes the same JSON directly: UUIDs (the driver's own subclass
included) and string enumerations as their text, times in ISO 8601 with ``Z`` for UTC (the database session's
zone), integers and floats as they are. The route keeps its ``response_model`` for the OpenAPI document and
answers :func:`json_response`; a test compares its bytes with the model's ``model_dump_json`` of the same
data, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from starlette.responses import Response

__all__ = ["encode", "json_response"]


def _text(value: Any) -> str:
    """What orjson leaves to its caller: the driver's UUIDs (a subclass of ``uuid.UUID``) as pydantic writes
    a UUID; anything else is refused, not written some other way."""
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written by hlm_kit.json_answer")


def encode(value: Any) -> bytes:
    """``value`` (dicts, lists, str, int, float, bool, None, UUIDs, aware datetimes) as JSON bytes."""
    return orjson.dumps(value, default=_text, option=orjson.OPT_UTC_Z)


def json_response(content: bytes, status_code: int = 200) -> Response:
    """Encoded JSON as the route's answer, without FastAPI validating and encoding it again."""
    return Response(content, status_code=status_code, media_type="application/json")
