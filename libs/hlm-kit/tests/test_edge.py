"""What every service built with create_service_app refuses at its edge, and how it answers a database
that refuses a value or cannot be reached: a client error or a 503, never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, Body, Depends, FastAPI
from fastapi.routing import APIRoute
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from hlm_kit.app import create_service_app
from hlm_kit.db import Session
from hlm_kit.edge import Int32, NulFreeStr, PositiveInt32
from hlm_kit.errors import Conflict, classify_database_failure
from hlm_kit.testing.messaging import MessagingSchema
from hlm_kit.testing.tcp_proxy import TcpProxy

from .conftest import KitSettings, ServeApp


class NoteIn(BaseModel):
    text: str
    tags: list[str] = []
    rank: Int32 = 0


class Document(BaseModel):
    title: NulFreeStr


def notes_router(schema: str) -> APIRouter:
    router = APIRouter()
    insert = text(f'INSERT INTO "{schema}".note (text, rank) VALUES (:text, :rank)')

    @router.post("/notes", status_code=201)
    async def add(session: Session, note: NoteIn) -> None:
        await session.execute(insert, {"text": note.text, "rank": note.rank})
        await session.commit()

    @router.post("/notes/plain", status_code=201)
    async def add_plain(session: Session, body: Annotated[str, Body(media_type="text/plain")]) -> None:
        await session.execute(insert, {"text": body, "rank": 0})
        await session.commit()

    @router.get("/notes")
    async def page(cursor: str | None = None, limit: int = 50) -> list[str]:
        return []

    @router.get("/notes/by-text/{text}")
    async def by_text(session: Session, text: str) -> int:
        found = await session.execute(_count(schema, "text"), {"v": text})
        return int(found.scalar_one())

    @router.get("/notes/by-rank/{rank}")
    async def by_rank(session: Session, rank: PositiveInt32) -> int:
        found = await session.execute(_count(schema, "rank"), {"v": rank})
        return int(found.scalar_one())

    @router.get("/notes/by-unbounded-rank/{rank}")
    async def by_unbounded_rank(session: Session, rank: int) -> int:
        # A parameter that lacks its bound: the database's refusal is the backstop.
        found = await session.execute(_count(schema, "rank"), {"v": rank})
        return int(found.scalar_one())

    @router.get("/links/{token}/taken")
    async def taken(token: str) -> None:
        raise Conflict("that link has been used")

    return router


def speaker() -> str:
    return "the service"


def greetings_router() -> APIRouter:
    router = APIRouter(prefix="/v1/greetings", tags=["greetings"])

    @router.get("/{name}", summary="Greet someone")
    async def greet(name: str, who: Annotated[str, Depends(speaker)]) -> dict[str, str]:
        """Say hello."""
        return {"greeting": f"hello {name} from {who}"}

    return router


def _count(schema: str, column: str) -> Any:
    return text(
        f'SELECT count(*) FROM "{schema}".note WHERE {column} = CAST(:v AS {"integer" if column == "rank" else "text"})'
    )


@pytest_asyncio.fixture
async def database_proxy(kit_schema: MessagingSchema) -> AsyncIterator[tuple[TcpProxy, str]]:
    """A forwarder to Postgres that a test can cut, and the kit schema's URL through it."""
    url = kit_schema.engine.url.render_as_string(hide_password=False)
    target = urlsplit(url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.accept()
    yield proxy, proxy.url_for(url)
    await proxy.close()


@pytest_asyncio.fixture
async def app(
    kit_schema: MessagingSchema, database_proxy: tuple[TcpProxy, str], serve_app: ServeApp
) -> AsyncIterator[FastAPI]:
    schema = kit_schema.metadata.schema
    assert schema is not None
    async with kit_schema.engine.begin() as connection:
        await connection.execute(text(f'CREATE TABLE "{schema}".note (text text, rank integer)'))
    async with serve_app(
        "edge-test",
        [notes_router(schema)],
        database_url=database_proxy[1],
        log_level="INFO",
        log_json=True,
        db_pool_timeout_s=2.0,
    ) as app:
        yield app


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        yield client


@pytest.fixture
def notes(kit_schema: MessagingSchema) -> Callable[[], Any]:
    async def stored() -> list[tuple[str, int]]:
        async with kit_schema.engine.connect() as connection:
            rows = await connection.execute(text(f'SELECT text, rank FROM "{kit_schema.metadata.schema}".note'))
            return [tuple(row) for row in rows]  # type: ignore[misc]

    return stored


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def log_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# ---- NUL -----------------------------------------------------------------------------------------


async def test_a_nul_in_the_query_is_refused_naming_the_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/notes?cursor=a%00b&limit=5")
    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["query", "cursor"]]


async def test_a_nul_in_the_path_is_refused_before_it_reaches_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/notes/by-text/a%00b")
    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["path"]]


async def test_a_nul_in_a_json_body_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, notes: Callable[[], Any]
) -> None:
    response = await client.post("/notes", json={"text": "fine", "tags": ["ok", "A\u0000B"]})
    problem = assert_problem(response, 422)
    assert [e["loc"] for e in problem["errors"]] == [["body", "tags", 1]]
    assert problem["errors"][0]["type"] == "string_nul"
    assert await notes() == []


async def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(
    client: httpx.AsyncClient, notes: Callable[[], Any]
) -> None:
    response = await client.post("/notes", json={"text": "C:\\u0000"})
    assert response.status_code == 201, response.text
    assert await notes() == [("C:\\u0000", 0)]


def test_a_nul_free_string_refuses_nul_whatever_format_it_was_read_from() -> None:
    # A document read from YAML or CSV is not checked at the edge; its model's type refuses the NUL.
    with pytest.raises(ValidationError) as refused:
        Document.model_validate({"title": "A\x00B"})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("title",), "string_nul")]
    assert Document.model_validate({"title": "AB"}).title == "AB"


async def test_a_nul_the_edge_cannot_see_is_a_422_from_the_database_logged_once_as_a_warning(
    client: httpx.AsyncClient, notes: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    response = await client.post("/notes/plain", content="A\x00B", headers={"content-type": "text/plain"})

    assert_problem(response, 422)
    assert await notes() == []
    output = capsys.readouterr().out
    refused = [line for line in log_lines(output) if line["event"] == "value refused by the database"]
    assert [(line["level"], line["sqlstate"]) for line in refused] == [("warning", "22021")]
    assert "Traceback" not in output


# ---- integers ------------------------------------------------------------------------------------


async def test_an_integer_beyond_32_bits_is_refused_by_its_type(
    client: httpx.AsyncClient, notes: Callable[[], Any]
) -> None:
    in_path = await client.get("/notes/by-rank/6227020801")
    in_body = await client.post("/notes", json={"text": "big", "rank": 2**31})

    assert assert_problem(in_path, 422)["errors"][0]["loc"] == ["path", "rank"]
    assert assert_problem(in_body, 422)["errors"][0]["loc"] == ["body", "rank"]
    assert await notes() == []
    assert (await client.get("/notes/by-rank/2147483647")).json() == 0


async def test_an_integer_the_database_cannot_hold_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/notes/by-unbounded-rank/6227020801")
    problem = assert_problem(response, 422)
    # The driver's message (which quotes the query) stays inside.
    assert "query argument" not in response.text
    assert problem["type"].endswith("/validation-error")


# ---- database unavailable ------------------------------------------------------------------------


async def test_an_unreachable_database_is_a_503_with_retry_after(
    client: httpx.AsyncClient, database_proxy: tuple[TcpProxy, str], capsys: pytest.CaptureFixture[str]
) -> None:
    proxy, _ = database_proxy
    assert (await client.get("/notes/by-text/x")).status_code == 200

    await proxy.refuse()
    # The first request finds its pooled connection dropped, the second cannot open one.
    dropped = await client.get("/notes/by-text/x")
    refused = await client.post("/notes", json={"text": "while down"})

    for response in (dropped, refused):
        problem = assert_problem(response, 503)
        assert response.headers["retry-after"] == "5"
        assert problem["type"].endswith("/service-unavailable")
    output = capsys.readouterr().out
    assert [line["level"] for line in log_lines(output) if line["event"] == "database unavailable"] == [
        "warning",
        "warning",
    ]
    assert "Traceback" not in output

    await proxy.accept()
    assert (await client.get("/notes/by-text/x")).status_code == 200


# ---- logs and redaction --------------------------------------------------------------------------


async def test_expected_refusals_are_one_log_line_each_without_a_traceback(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await client.get("/links/s3cret-token-value/taken")
    await client.post("/notes", json={"rank": "many"})
    await client.get("/nowhere")
    await client.get("/links/s3cret%00token-value/taken")

    lines = log_lines(capsys.readouterr().out)
    assert [(line["event"], line["status"]) for line in lines] == [
        ("request refused", 409),
        ("request invalid", 422),
        ("request refused", 404),
        ("request invalid", 422),
    ]
    assert "s3cret" not in str(lines)
    assert all("exception" not in line for line in lines)


async def test_a_token_in_the_path_shows_in_no_log_line_nor_problem(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    matched = await client.get("/links/s3cret-token-value/taken")
    unmatched = await client.get("/links/s3cret-token-value/typo")

    assert assert_problem(matched, 409)["instance"] == "/links/~token~/taken"
    assert "instance" not in assert_problem(unmatched, 404)
    output = capsys.readouterr().out
    assert "/links/~token~/taken" in output
    assert "s3cret-token-value" not in output + matched.text + unmatched.text


async def test_each_request_is_one_server_span_in_its_callers_trace_with_the_redacted_path(
    client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    trace_id, caller_span_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    spans.clear()

    refused = await client.get(
        "/links/s3cret-token-value/taken", headers={"traceparent": f"00-{trace_id}-{caller_span_id}-01"}
    )
    assert (await client.get("/links/s3cret-token-value/typo")).status_code == 404
    assert (await client.get("/health/live")).status_code == 200  # probes make no span

    matched, unmatched = [span for span in spans.get_finished_spans() if span.kind is SpanKind.SERVER]
    assert refused.status_code == 409
    assert matched.name == "GET /links/{token}/taken"
    assert matched.context is not None
    assert matched.parent is not None
    assert (f"{matched.context.trace_id:032x}", f"{matched.parent.span_id:016x}") == (trace_id, caller_span_id)
    assert matched.attributes is not None
    assert unmatched.attributes is not None
    assert matched.attributes["url.path"] == "/links/~token~/taken"
    assert matched.attributes["http.route"] == "/links/{token}/taken"
    assert matched.attributes["http.request.method"] == "GET"
    assert matched.attributes["http.response.status_code"] == 409
    assert matched.status.is_ok
    assert unmatched.name == "GET"
    assert unmatched.attributes["url.path"] == "~unrouted~"
    assert unmatched.attributes["http.response.status_code"] == 404
    for span in (matched, unmatched):
        assert "s3cret" not in repr(span.to_json())


async def test_each_log_line_of_a_request_names_the_service_and_the_requests_correlation_id(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    given = await client.get("/links/s3cret-token-value/taken", headers={"X-Correlation-ID": "given-id-2"})
    made = await client.get("/links/s3cret-token-value/taken")

    lines = log_lines(capsys.readouterr().out)
    assert [(line["service"], line["correlation_id"]) for line in lines] == [
        ("edge-test", "given-id-2"),
        ("edge-test", made.headers["x-correlation-id"]),
    ]
    assert given.headers["x-correlation-id"] == "given-id-2"


async def test_routes_are_the_apps_own_with_its_dependency_overrides_and_openapi(
    kit_schema: MessagingSchema, kit_settings: KitSettings
) -> None:
    app = create_service_app(
        name="routes-test",
        version="0",
        settings=kit_settings(),
        routers=[greetings_router()],
        outbox=kit_schema.outbox,
        inbox=kit_schema.inbox,
    )
    # Each path operation is tried on its own, not through the router it was declared in.
    assert next(r.path for r in app.router.routes if isinstance(r, APIRoute)) == "/v1/greetings/{name}"
    app.dependency_overrides[speaker] = lambda: "a test"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        greeted = await client.get("/v1/greetings/ada")
        posted = await client.post("/v1/greetings/ada")
        live = await client.get("/health/live")

    assert greeted.json() == {"greeting": "hello ada from a test"}
    assert assert_problem(posted, 405)["status"] == 405
    assert live.status_code == 200
    operation = app.openapi()["paths"]["/v1/greetings/{name}"]["get"]
    assert (operation["tags"], operation["summary"], operation["description"]) == (
        ["greetings"],
        "Greet someone",
        "Say hello.",
    )


async def test_each_request_is_counted_by_route_and_answered_with_its_correlation_id(
    client: httpx.AsyncClient,
) -> None:
    given = await client.get("/links/s3cret-token-value/taken", headers={"X-Correlation-ID": "given-id-1"})
    made = await client.get("/notes")

    assert given.headers["x-correlation-id"] == "given-id-1"
    assert uuid.UUID(made.headers["x-correlation-id"])
    metrics = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/links/{token}/taken",status="409"}' in metrics
    assert 'http_requests_total{method="GET",route="/notes",status="200"}' in metrics
    assert "s3cret" not in metrics


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), "unavailable"),
        (TimeoutError(), "unavailable"),
        (sa_exc.TimeoutError("QueuePool limit reached"), "unavailable"),
        (asyncpg.CannotConnectNowError("the database system is starting up"), "unavailable"),
        (asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"), "unavailable"),
        (asyncpg.AdminShutdownError("terminating connection due to administrator command"), "unavailable"),
        (asyncpg.InterfaceError("connection is closed"), "unavailable"),
        (asyncpg.CharacterNotInRepertoireError("invalid byte sequence"), "data"),
        (asyncpg.NumericValueOutOfRangeError("integer out of range"), "data"),
        (asyncpg.UniqueViolationError("duplicate key"), None),
        (asyncpg.InterfaceError("another operation is in progress"), None),
        (FileNotFoundError(2, "No such file"), None),
        (RuntimeError("boom"), None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_database_failures_are_told_apart(error: BaseException, failure: str | None) -> None:
    assert classify_database_failure(error) == failure
    wrapped = sa_exc.DBAPIError("SELECT 1", {}, error) if isinstance(error, asyncpg.PostgresError) else error
    assert classify_database_failure(wrapped) == failure
