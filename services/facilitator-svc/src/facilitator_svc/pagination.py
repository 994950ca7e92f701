"""Keyset pagination: an opaque cursor carries the sort key of the last row of the previous page, so
pages stay stable while rows are added and a deep page costs what the first one does."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import Query

from hlm_kit.errors import BadRequest

Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500, description="rows per page")]


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(k) for k in key]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, parts: int) -> list[str] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("cursor is not one this service issued") from exc
    if not isinstance(key, list) or len(key) != parts or not all(isinstance(k, str) for k in key):
        raise BadRequest("cursor is not one this service issued")
    return key
