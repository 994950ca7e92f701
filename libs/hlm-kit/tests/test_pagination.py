"""Keyset cursors, page sizes and batch reads by id: what every service's lists rely on."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from hlm_kit.errors import install_problem_handlers
from hlm_kit.pagination import (
    BadCursor,
    Cursor,
    CursorCodec,
    Ids,
    Limit,
    Page,
    PlainCursor,
    id_list,
    page_limit,
)

CREATED = CursorCodec(tuple[datetime, uuid.UUID])
ID = uuid.UUID("6f1c2a9e-4b7d-4e8a-9c3f-2d5b8a7e1f04")
AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_a_cursor_gives_back_the_key_it_was_made_from() -> None:
    assert CREATED.decode(CREATED.encode((AT, ID))) == (AT, ID)
    observed = CursorCodec(tuple[date, uuid.UUID])
    assert observed.decode(observed.encode((date(2026, 3, 1), ID))) == (date(2026, 3, 1), ID)
    named = CursorCodec(tuple[str, uuid.UUID])
    assert named.decode(named.encode(("Zoë O'Neil, Ph.D. & co", ID))) == ("Zoë O'Neil, Ph.D. & co", ID)


def test_a_cursor_travels_in_a_url_as_it_is() -> None:
    cursor = CursorCodec(tuple[str, uuid.UUID]).encode(("?&=/+ " * 10, ID))
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_no_cursor_or_an_empty_one_is_the_first_page() -> None:
    # A sync job that fills in `?cursor={last}` sends an empty one on its first run.
    assert CREATED.decode(None) is None
    assert CREATED.decode("") is None
    assert PlainCursor(r"^[a-z]+$").decode("") is None


def test_a_cursor_issued_before_the_codec_was_shared_still_reads() -> None:
    # facilitator-svc and report-svc sent the key as a JSON array of strings, unpadded: a client holding
    # such a cursor from before an upgrade gets its next page, not an error.
    earlier = base64.urlsafe_b64encode(json.dumps([AT.isoformat(), str(ID)]).encode()).decode().rstrip("=")
    assert CREATED.decode(earlier) == (AT, ID)


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "%%%",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[]").decode(),
        base64.urlsafe_b64encode(json.dumps([AT.isoformat()]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([AT.isoformat(), str(ID), "x"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["yesterday", str(ID)]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([AT.isoformat(), "not-a-uuid"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"at": AT.isoformat()}).encode()).decode(),
        # survey-svc's earlier form, "created_at|id": it is not one this codec issues.
        base64.urlsafe_b64encode(f"{AT.isoformat()}|{ID}".encode()).decode(),
    ],
)
def test_a_cursor_that_is_not_one_of_ours_is_a_bad_cursor(cursor: str) -> None:
    with pytest.raises(BadCursor) as raised:
        CREATED.decode(cursor)
    assert [error["loc"] for error in raised.value.errors()] == [("query", "cursor")]


def test_a_page_keeps_the_limit_and_points_past_its_last_row() -> None:
    rows = [(AT, uuid.UUID(int=i)) for i in range(4)]
    page, next_cursor = CREATED.page(rows, 3, key=lambda row: row)
    assert page == rows[:3]
    assert next_cursor is not None
    assert CREATED.decode(next_cursor) == rows[2]


def test_the_last_page_has_no_next_cursor() -> None:
    rows = [(AT, uuid.UUID(int=i)) for i in range(3)]
    assert CREATED.page(rows, 3, key=lambda row: row) == (rows, None)
    assert CREATED.page([], 3, key=lambda row: row) == ([], None)


def test_a_plain_cursor_is_the_key_and_is_checked_all_the_same() -> None:
    keys = PlainCursor(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
    assert keys.encode("hlm") == "hlm"
    assert keys.decode("lf2011") == "lf2011"
    for bad in ("HLM", "-hlm", "a" * 64, "hlm'; drop"):
        with pytest.raises(BadCursor):
            keys.decode(bad)


def test_a_page_is_its_items_and_the_next_cursor() -> None:
    class Numbers(Page[int]):
        pass

    assert Numbers(items=[1, 2]).model_dump(mode="json") == {"items": [1, 2], "next_cursor": None}
    assert Numbers(items=[], next_cursor="abc").model_dump(mode="json") == {"items": [], "next_cursor": "abc"}


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/things")
    async def things(ids: Ids, limit: Limit, cursor: Cursor = None) -> dict[str, Any]:
        return {
            "ids": None if ids is None else [str(i) for i in ids],
            "limit": limit,
            "after": CREATED.decode(cursor),
        }

    @app.get("/wide")
    async def wide(limit: Annotated[int, page_limit(default=100, maximum=500)]) -> int:
        return limit

    @app.get("/configured")
    async def configured(limit: Annotated[int | None, page_limit(default=None, maximum=1000)]) -> int | None:
        return limit

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as http:
        yield http


def _locs(response: httpx.Response) -> list[list[str | int]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/validation-error")
    return [error["loc"] for error in response.json()["errors"]]


async def test_ids_are_read_in_the_order_given(client: httpx.AsyncClient) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    response = await client.get("/things", params={"ids": f" {b}, ,{a},"})
    assert response.json()["ids"] == [str(b), str(a)]
    assert (await client.get("/things")).json()["ids"] is None
    assert (await client.get("/things", params={"ids": ""})).json()["ids"] == []


async def test_every_id_that_is_not_a_uuid_is_named_by_its_position(client: httpx.AsyncClient) -> None:
    response = await client.get("/things", params={"ids": f"nope,{uuid.uuid4()},also-not"})
    assert _locs(response) == [["query", "ids", 0], ["query", "ids", 2]]
    assert [e["type"] for e in response.json()["errors"]] == ["uuid_parsing", "uuid_parsing"]


async def test_a_hundred_ids_at_most(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things", params={"ids": ",".join(str(uuid.uuid4()) for _ in range(100))})).is_success
    too_many = await client.get("/things", params={"ids": ",".join(str(uuid.uuid4()) for _ in range(101))})
    assert _locs(too_many) == [["query", "ids"]]


async def test_a_batch_read_by_other_ids_is_read_and_refused_alike_under_its_own_name() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/sessions")
    async def sessions(cycle_ids: Annotated[list[uuid.UUID] | None, id_list("cycle_ids")]) -> list[str] | None:
        return None if cycle_ids is None else [str(i) for i in cycle_ids]

    a = uuid.uuid4()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as http:
        assert (await http.get("/sessions", params={"cycle_ids": f"{a},"})).json() == [str(a)]
        assert (await http.get("/sessions", params={"ids": str(a)})).json() is None
        assert _locs(await http.get("/sessions", params={"cycle_ids": f"{a},nope"})) == [["query", "cycle_ids", 1]]


async def test_a_bad_cursor_is_answered_like_any_bad_query_parameter(client: httpx.AsyncClient) -> None:
    bad_cursor = await client.get("/things", params={"cursor": "nope"})
    bad_limit = await client.get("/things", params={"limit": "many"})
    assert _locs(bad_cursor) == [["query", "cursor"]]
    assert _locs(bad_limit) == [["query", "limit"]]
    assert bad_cursor.json().keys() == bad_limit.json().keys()


async def test_a_good_cursor_reaches_the_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/things", params={"cursor": CREATED.encode((AT, ID))})
    assert response.json()["after"] == [AT.isoformat().replace("+00:00", "Z"), str(ID)]


async def test_the_page_size_is_fifty_unless_asked_and_at_most_a_hundred(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things")).json()["limit"] == 50
    assert (await client.get("/things", params={"limit": 100})).json()["limit"] == 100
    assert _locs(await client.get("/things", params={"limit": 101})) == [["query", "limit"]]
    assert _locs(await client.get("/things", params={"limit": 0})) == [["query", "limit"]]


async def test_an_endpoint_may_keep_its_own_documented_bounds(client: httpx.AsyncClient) -> None:
    assert (await client.get("/wide")).json() == 100
    assert (await client.get("/wide", params={"limit": 500})).json() == 500
    assert _locs(await client.get("/wide", params={"limit": 501})) == [["query", "limit"]]
    assert (await client.get("/configured")).json() is None
    assert (await client.get("/configured", params={"limit": 1000})).json() == 1000
