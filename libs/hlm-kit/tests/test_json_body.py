"""A body validated into plain dicts (``PlainJsonBody``) by its model's own rules: what the model accepts it
gives as the model's dump, and what the model refuses it refuses with the model's errors."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator

from hlm_kit.json_body import JsonBody, PlainJsonBody


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]
    level: Annotated[StrictInt, Field(ge=1, le=4)] | Literal["none"]
    note: str | None = None


class Whole(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parts: list[Part] = Field(default_factory=list, max_length=3)
    ratings: list[Annotated[StrictInt, Field(ge=1)]] = Field(default_factory=list)


def _request(body: bytes, content_type: str = "application/json") -> Request:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-type", content_type.encode())] if content_type else []
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers}, receive)


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b'{"parts": [{"key": "a", "level": 1}, {"key": "b", "level": "none", "note": "x"}]}',
        b'{"ratings": [3, 9], "parts": []}',
    ],
)
async def test_a_body_the_model_accepts_is_given_as_the_models_dump(body: bytes) -> None:
    plain = await PlainJsonBody(Whole)(_request(body))

    assert plain == Whole.model_validate_json(body).model_dump()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b"[]", "application/json"),
        (b'{"parts": [{"key": "a", "level": 1, "extra": 1}]}', "application/json"),
        (b'{"parts": [{"key": "A", "level": "2"}]}', "application/json"),
        (b'{"parts": [{"key": "a", "level": 5}], "ratings": [0]}', "application/json"),
        (b'{"parts": [{"key": "a", "level": 1}, {"key": "a", "level": 1}, {"key": "a", "level": 1}, {}]}', ""),
        (b'{"unknown": true}', "application/json; charset=utf-8"),
    ],
)
async def test_a_body_the_model_refuses_is_refused_with_the_models_errors(body: bytes, content_type: str) -> None:
    with pytest.raises(RequestValidationError) as as_model:
        await JsonBody(Whole)(_request(body, content_type))
    with pytest.raises(RequestValidationError) as as_plain:
        await PlainJsonBody(Whole)(_request(body, content_type))

    assert as_plain.value.errors() == as_model.value.errors()


async def test_a_json_body_of_another_content_type_is_read_as_fastapi_reads_it() -> None:
    body = b'{"parts": [{"key": "a", "level": 2}]}'

    assert await PlainJsonBody(Whole)(_request(body, "application/vnd.hlm+json")) == {
        "parts": [{"key": "a", "level": 2, "note": None}],
        "ratings": [],
    }


def test_a_model_with_rules_beyond_its_fields_is_refused() -> None:
    class Checked(BaseModel):
        key: str

        @field_validator("key")
        @classmethod
        def lower(cls, value: str) -> str:
            return value.lower()

    with pytest.raises(TypeError, match="alone"):
        PlainJsonBody(Checked)
