"""Every failure is answered as problem+json; validation lists every bad field; internals stay hidden."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from fastapi import FastAPI
from pydantic import BaseModel, Field

from hlm_kit.errors import Conflict, install_problem_handlers
from hlm_kit.observability import RequestContextMiddleware


class Booking(BaseModel):
    name: str = Field(min_length=1)
    seats: int = Field(ge=1)
    email: str


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/bookings")
    async def create(booking: Booking) -> Booking:
        return booking

    @app.post("/conflict")
    async def conflict() -> None:
        raise Conflict("that slot is taken")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    return app


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        yield client


async def test_validation_errors_list_every_bad_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/bookings", json={"name": "", "seats": "many"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["instance"] == "/bookings"
    assert {tuple(e["loc"]) for e in problem["errors"]} == {
        ("body", "name"),
        ("body", "seats"),
        ("body", "email"),
    }


async def test_a_raised_problem_keeps_its_status_and_detail(client: httpx.AsyncClient) -> None:
    response = await client.post("/conflict")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "that slot is taken"
    assert response.json()["type"].endswith("/conflict")


async def test_unknown_routes_and_methods_are_problems_too(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nowhere")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
    wrong_method = await client.delete("/bookings")
    assert (wrong_method.status_code, wrong_method.headers["content-type"]) == (
        405,
        "application/problem+json",
    )


async def test_an_unexpected_error_is_a_500_that_reveals_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom", headers={"X-Correlation-ID": "trace-me-123"})
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert response.json()["correlation_id"] == "trace-me-123"
