"""A hot path's DirectRoute: documented and found as FastAPI's routes are, its endpoint called with the request
and the path's parameters, what it raises answered by the app's exception handlers."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, Path, Request, Response
from fastapi.responses import JSONResponse
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from hlm_kit.app import add_routes
from hlm_kit.routing import DirectRoute

Token = Annotated[str, Path(description="The link's token.")]


class Sent(BaseModel):
    token: str


class Refused(Exception):
    """A refusal the app's own exception handler answers."""


async def send(request: Request, token: Token) -> Response:
    """Send the answers."""
    body = await request.body()
    if body == b"refuse":
        raise Refused
    return Response(Sent(token=token).model_dump_json(), status_code=201, media_type="application/json")


def _app(route_class: type[DirectRoute] | None) -> tuple[FastAPI, list[str]]:
    router = APIRouter(prefix="/v1/links", tags=["links"])
    router.add_api_route(
        "/{token}/send",
        send,
        methods=["POST"],
        status_code=201,
        response_model=Sent,
        responses={404: {"description": "No such link."}},
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}},
        route_class_override=route_class,
    )
    app = FastAPI()

    async def refused(request: Request, error: Exception) -> Response:
        return JSONResponse({"refused": request.path_params["token"]}, status_code=409)

    app.add_exception_handler(Refused, refused)
    add_routes(app, router)
    templates: list[str] = []

    def record(inner: ASGIApp) -> ASGIApp:
        # As the request context middleware reads it: the route the request was routed to, after the call.
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            await inner(scope, receive, send)
            templates.append(scope["route"].path)

        return middleware

    app.add_middleware(record)  # type: ignore[arg-type]
    return app, templates


def test_it_is_documented_as_the_same_route_under_fastapi_would_be() -> None:
    direct, _ = _app(DirectRoute)
    handled, _ = _app(None)
    assert isinstance(direct.router.routes[-1], DirectRoute)
    assert direct.openapi() == handled.openapi()


async def test_it_is_called_with_the_request_and_the_path_recorded_in_the_scope_and_errors_handled() -> None:
    app, templates = _app(DirectRoute)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        sent = await client.post("/v1/links/abc/send", content=b"{}")
        refused = await client.post("/v1/links/abc/send", content=b"refuse")
        other_method = await client.get("/v1/links/abc/send")
        head = await client.head("/v1/links/abc/send")
    assert (sent.status_code, sent.json()) == (201, {"token": "abc"})
    assert (refused.status_code, refused.json()) == (409, {"refused": "abc"})
    assert other_method.status_code == head.status_code == 405
    assert templates[:2] == ["/v1/links/{token}/send"] * 2


async def _with_query(request: Request, token: str, page: int) -> Response:
    return Response()


async def _constrained(request: Request, token: Annotated[str, Path(max_length=3)]) -> Response:
    return Response()


async def _without_request(token: str) -> Response:
    return Response()


@pytest.mark.parametrize("endpoint", [_with_query, _constrained, _without_request])
def test_what_fastapi_would_solve_or_check_is_refused_when_the_route_is_built(endpoint: Any) -> None:
    with pytest.raises(TypeError):
        DirectRoute("/v1/links/{token}", endpoint, methods=["GET"])
