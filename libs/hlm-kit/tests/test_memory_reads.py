"""A GET a process can answer from memory is answered before routing, exactly as its route answers it; every
other request, every refusal included, reaches the route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest_asyncio
from fastapi import APIRouter, FastAPI, Request, Response
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from hlm_kit.app import create_service_app
from hlm_kit.auth import CurrentPrincipal, Principal
from hlm_kit.db import make_metadata
from hlm_kit.http_cache import MemoryRead, Representation
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET, AuthHeaders

DOCUMENTS = {"hlm": Representation(b'{"key": "hlm", "dimensions": 9}'), "lf": Representation(b'{"key": "lf"}')}


@dataclass
class Documents:
    """What the route serves, and which of it this process holds in memory."""

    in_memory: set[str] = field(default_factory=set)
    routed: list[str] = field(default_factory=list)
    callers: list[Principal] = field(default_factory=list)

    def lookup(self, caller: Principal, params: dict[str, Any]) -> Representation | None:
        self.callers.append(caller)
        return DOCUMENTS[params["key"]] if params["key"] in self.in_memory else None


def make_app(documents: Documents) -> FastAPI:
    router = APIRouter(prefix="/v1/documents")

    @router.get("/{key}")
    async def read(request: Request, principal: CurrentPrincipal, key: str, fresh: bool = False) -> Response:
        documents.routed.append(key)
        return DOCUMENTS[key].respond(request)

    metadata = make_metadata("kit_memory_reads")
    settings = ServiceSettings.model_validate(
        {
            "database_url": "postgresql+asyncpg://nobody@127.0.0.1:9/none",  # never connected: no lifespan
            "amqp_url": "amqp://guest:guest@127.0.0.1:9/",
            "jwt_secret": TEST_JWT_SECRET,
            "jwt_issuer": TEST_JWT_ISSUER,
            "jwt_audience": TEST_JWT_AUDIENCE,
        }
    )
    return create_service_app(
        name="memory-reads-test",
        version="0",
        settings=settings,
        routers=[router],
        outbox=Outbox(metadata),
        inbox=Inbox(metadata),
        memory_reads=[MemoryRead.of(router, read, documents.lookup)],
    )


@pytest_asyncio.fixture
async def documents() -> Documents:
    return Documents()


@pytest_asyncio.fixture
async def client(documents: Documents) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(documents))
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        yield client


def _without_correlation(response: httpx.Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers.multi_items() if name != "x-correlation-id"]


async def test_a_read_held_in_memory_is_answered_as_its_route_answers_it(
    client: httpx.AsyncClient, documents: Documents, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub="participant-1")
    routed = await client.get("/v1/documents/hlm", headers=participant)
    routed_304 = await client.get("/v1/documents/hlm", headers={**participant, "If-None-Match": routed.headers["etag"]})
    documents.in_memory.add("hlm")

    remembered = await client.get("/v1/documents/hlm", headers=participant)
    remembered_304 = await client.get(
        "/v1/documents/hlm", headers={**participant, "If-None-Match": routed.headers["etag"]}
    )

    assert documents.routed == ["hlm", "hlm"]  # the two answers from memory never reached the route
    assert {caller.sub for caller in documents.callers} == {"participant-1"}  # the token's verified caller
    assert (remembered.status_code, remembered.content) == (200, routed.content)
    assert _without_correlation(remembered) == _without_correlation(routed)
    assert (remembered_304.status_code, remembered_304.content) == (routed_304.status_code, b"") == (304, b"")
    assert _without_correlation(remembered_304) == _without_correlation(routed_304)
    assert remembered.headers["x-correlation-id"] != routed.headers["x-correlation-id"]


async def test_refusals_and_anything_but_a_plain_read_reach_the_route(
    client: httpx.AsyncClient, documents: Documents, auth: AuthHeaders
) -> None:
    documents.in_memory.update({"hlm", "lf"})
    participant = auth("participant")

    missing = await client.get("/v1/documents/hlm")
    forged = await client.get("/v1/documents/hlm", headers={"Authorization": "Bearer not-a-token"})
    queried = await client.get("/v1/documents/lf", params={"fresh": "true"}, headers=participant)
    invalid = await client.get("/v1/documents/lf", params={"fresh": "maybe"}, headers=participant)
    not_held = await client.get("/v1/documents/hlm/versions", headers=participant)

    for refused in (missing, forged):
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["instance"] == "/v1/documents/hlm"
    assert (queried.status_code, queried.content) == (200, b'{"key": "lf"}')
    assert invalid.status_code == 422
    assert not_held.status_code == 404
    assert documents.routed == ["lf"]


async def test_a_read_from_memory_is_counted_and_traced_under_its_route(
    client: httpx.AsyncClient, documents: Documents, auth: AuthHeaders, spans: InMemorySpanExporter
) -> None:
    documents.in_memory.add("hlm")
    spans.clear()

    answered = await client.get("/v1/documents/hlm", headers=auth("participant"))
    metrics = (await client.get("/metrics")).text

    assert answered.status_code == 200
    assert documents.routed == []
    assert 'http_requests_total{method="GET",route="/v1/documents/{key}",status="200"}' in metrics
    [server] = [span for span in spans.get_finished_spans() if span.kind is SpanKind.SERVER]
    assert server.name == "GET /v1/documents/{key}"
    assert server.attributes is not None
    assert server.attributes["url.path"] == "/v1/documents/hlm"
    assert server.attributes["http.response.status_code"] == 200
