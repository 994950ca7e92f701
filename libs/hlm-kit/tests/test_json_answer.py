"""A hot read's answer written from plain values is the bytes pydantic writes for a model of the same values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

import pytest
from asyncpg.pgproto.pgproto import UUID as DriverUUID
from pydantic import BaseModel

from hlm_kit.json_answer import encode, json_response


class Colour(StrEnum):
    RED = "red"


class Item(BaseModel):
    id: uuid.UUID
    colour: Colour
    at: datetime
    elsewhere: datetime
    count: int
    share: float
    note: str | None
    tags: list[str]


def test_plain_values_are_written_as_the_model_writes_them() -> None:
    known = uuid.uuid4()
    values = {
        "id": DriverUUID(str(known)),  # the driver's own UUID, a subclass orjson leaves to its caller
        "colour": Colour.RED,
        "at": datetime(2026, 12, 8, 1, 2, 3, 450, tzinfo=UTC),
        "elsewhere": datetime(2026, 12, 8, 1, 2, 3, tzinfo=timezone(timedelta(hours=1))),
        "count": 3,
        "share": 0.1,
        "note": "Listens first, then decides — «always».",
        "tags": [],
    }

    assert encode({"items": [values], "next_cursor": None}) == (
        b'{"items":[' + Item.model_validate(values).model_dump_json().encode() + b'],"next_cursor":null}'
    )


def test_a_value_it_does_not_know_is_refused_not_written_some_other_way() -> None:
    with pytest.raises(TypeError):
        encode({"when": object()})


def test_the_answer_is_the_bytes_as_json() -> None:
    response = json_response(b'{"items":[]}')

    assert (response.status_code, response.body, response.media_type) == (200, b'{"items":[]}', "application/json")
