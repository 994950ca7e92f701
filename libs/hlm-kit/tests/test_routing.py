"""A service app chooses the route FastAPI's own router would choose, and answers what it would answer, for
paths that begin alike, have parameters where others have text, end with a slash, or match no route."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from hlm_kit.app import RouteIndex, create_service_app
from hlm_kit.db import make_metadata
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.settings import ServiceSettings
from hlm_kit.testing.pytest_plugin import TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET


def routers() -> list[APIRouter]:
    things = APIRouter(prefix="/v1/things")

    @things.get("")
    async def listing() -> str:
        return "listing"

    @things.get("/mine")
    async def mine() -> str:
        return "mine"

    @things.get("/{thing_id}")
    async def one(thing_id: int) -> str:
        return f"thing {thing_id}"

    @things.put("/{thing_id}")
    async def replace(thing_id: int) -> str:
        return f"replaced {thing_id}"

    @things.get("/{thing_id}/parts/{part:path}")
    async def part(thing_id: int, part: str) -> str:
        return f"part {part} of {thing_id}"

    anywhere = APIRouter()

    @anywhere.get("/v1/{kind}/count")
    async def count(kind: str) -> str:
        return f"count of {kind}"

    @anywhere.get("/{first}/things/mine")
    async def shadowed(first: str) -> str:
        return f"{first}'s things"

    @anywhere.post("/v1/things/mine")
    async def post_mine() -> str:
        return "posted"

    @anywhere.get("/")
    async def root() -> str:
        return "root"

    return [things, anywhere]


PATHS = [
    ("GET", "/v1/things"),
    ("GET", "/v1/things/"),
    ("GET", "/v1/things/mine"),
    ("POST", "/v1/things/mine"),
    ("DELETE", "/v1/things/mine"),
    ("GET", "/v1/things/7"),
    ("PUT", "/v1/things/7"),
    ("GET", "/v1/things/seven"),
    ("GET", "/v1/things/7/parts/a/b/c"),
    ("GET", "/v1/things/7/parts/"),
    ("GET", "/v1/people/count"),
    ("GET", "/v1/things/count"),
    ("GET", "/v2/things/mine"),
    ("GET", "/v1"),
    ("GET", "/"),
    ("GET", "/nowhere"),
    ("GET", "/health/live"),
    ("GET", "/V1/things/mine"),
]


def service_app() -> FastAPI:
    settings = ServiceSettings.model_validate(
        {
            "database_url": "postgresql://nobody@127.0.0.1:9/none",
            "amqp_url": "amqp://nobody@127.0.0.1:9/",
            "jwt_secret": TEST_JWT_SECRET,
            "jwt_issuer": TEST_JWT_ISSUER,
            "jwt_audience": TEST_JWT_AUDIENCE,
            "log_level": "WARNING",
        }
    )
    metadata = make_metadata("kit_routing")
    return create_service_app(
        name="routing-test",
        version="0",
        settings=settings,
        routers=routers(),
        outbox=Outbox(metadata),
        inbox=Inbox(metadata),
    )


async def answers(app: FastAPI) -> list[tuple[int, Any]]:
    found = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        for method, path in PATHS:
            response = await client.request(method, path, follow_redirects=False)
            body = response.json() if response.content else None
            if isinstance(body, dict):  # the service answers problem+json, FastAPI {"detail": ...}
                body = {"status": response.status_code}
            found.append((response.status_code, body, response.headers.get("location")))
    return found


async def test_each_path_gets_the_route_and_answer_fastapis_router_gives_it() -> None:
    app = service_app()
    plain = FastAPI()
    for router in routers():
        plain.include_router(router)
    plain.get("/health/live")(lambda: {"status": 200})

    assert isinstance(app.router.middleware_stack, RouteIndex)
    assert await answers(app) == await answers(plain)


@pytest.mark.parametrize("later", ["included", "added"])
async def test_routes_added_after_the_app_was_built_are_found(later: str) -> None:
    app = service_app()
    extra = APIRouter()

    @extra.get("/v1/things/mine/extra")
    async def added() -> str:
        return "added later"

    if later == "included":
        app.include_router(extra)
    else:
        app.router.routes.extend(extra.routes)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        first = await client.get("/v1/things/mine")
        response = await client.get("/v1/things/mine/extra")

    assert (first.json(), response.json()) == ("mine", "added later")
