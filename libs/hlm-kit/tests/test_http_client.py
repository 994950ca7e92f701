"""The client one part calls another through: a real server on a socket of this machine, and what a caller
sees when the other part answers, is down, is slow, or the request cannot be written."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse

from hlm_kit.http_client import http_client
from hlm_kit.testing.pytest_plugin import wait_for

UNREACHABLE = "http://127.0.0.1:9"


def _app(release: asyncio.Event, holding: asyncio.Event) -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, object]:
        return {"body": (await request.json()), "headers": dict(request.headers)}

    @app.get("/cookie")
    async def cookie(request: Request) -> Response:
        response = Response(request.headers.get("cookie", ""))
        response.set_cookie("session", "first-caller")
        return response

    @app.api_route("/held", methods=["GET", "POST"])
    async def held() -> str:
        holding.set()
        await release.wait()
        return "released"

    @app.get("/pages")
    async def pages() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for n in range(50):
                yield b"%04d" % n * 1000

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    return app


@pytest.fixture
async def release() -> AsyncIterator[asyncio.Event]:
    event = asyncio.Event()
    yield event
    event.set()


@pytest.fixture
def holding() -> asyncio.Event:
    """Set once the server holds a request on ``/held``."""
    return asyncio.Event()


@pytest.fixture
async def served(release: asyncio.Event, holding: asyncio.Event) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_app(release, holding), log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await wait_for(lambda: server.started)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        release.set()
        server.should_exit = True
        await task
        sock.close()


async def test_a_request_and_its_answer_go_whole_with_the_headers_given(served: str) -> None:
    async with http_client(served, timeout_s=5) as client:
        response = await client.post(
            "/echo", json={"answers": [1, 2, 3]}, headers={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}
        )
    assert response.status_code == 200
    assert response.json()["body"] == {"answers": [1, 2, 3]}
    assert response.json()["headers"]["traceparent"] == "00-" + "a" * 32 + "-" + "b" * 16 + "-01"


async def test_a_body_is_streamed_as_it_comes(served: str) -> None:
    async with http_client(served, timeout_s=5) as client, client.stream("GET", "/pages") as response:
        read = b"".join([chunk async for chunk in response.aiter_raw()])
    assert read == b"".join(b"%04d" % n * 1000 for n in range(50))


async def test_a_cookie_one_answer_sets_is_never_sent_with_a_later_request(served: str) -> None:
    # One client carries every caller's requests: what a service set for one caller must not reach it again
    # with the next caller's. By name, since a cookie jar would keep nothing from a bare IP address.
    async with http_client(served.replace("127.0.0.1", "localhost"), timeout_s=5) as client:
        first = await client.get("/cookie")
        second = await client.get("/cookie")
    assert "first-caller" in first.headers["set-cookie"]
    assert second.text == ""
    assert not client.cookies


async def test_a_caller_cannot_give_the_client_cookies_to_send(served: str) -> None:
    async with http_client(served, timeout_s=5) as client:
        with pytest.raises(TypeError):
            client.cookies = {"session": "someone"}


async def test_a_part_that_is_down_is_a_transport_error() -> None:
    async with http_client(UNREACHABLE, timeout_s=5) as client:
        with pytest.raises(httpx.TransportError):
            await client.get("/v1/anything")


async def test_an_answer_slower_than_the_timeout_is_a_timeout(served: str) -> None:
    async with http_client(served, timeout_s=0.2) as client:
        with pytest.raises(httpx.TimeoutException):
            await client.get("/held")


async def test_a_request_waits_for_a_free_connection_no_longer_than_the_timeout(
    served: str, release: asyncio.Event, holding: asyncio.Event
) -> None:
    async with http_client(served, timeout_s=0.5, max_connections=1) as client:
        first = asyncio.create_task(client.get("/held", timeout=30))
        await asyncio.wait_for(holding.wait(), 10)  # the one connection is taken
        with pytest.raises(httpx.TimeoutException):
            await client.post("/echo", json={})
        assert not first.done()
        release.set()
        assert (await first).text == '"released"'


@pytest.mark.parametrize("value", ["a\x00b", "a\nb", "a\rb", "a\x7fb"], ids=repr)
async def test_a_header_that_cannot_be_written_is_a_local_protocol_error(served: str, value: str) -> None:
    # httpx's own transport refused these as LocalProtocolError; callers read that as their own fault,
    # never as the other part being down.
    async with http_client(served, timeout_s=5) as client:
        with pytest.raises(httpx.LocalProtocolError):
            await client.post("/echo", json={}, headers={"Idempotency-Key": value})
        assert (await client.post("/echo", json={})).status_code == 200


async def test_a_whole_post_goes_with_the_headers_given_and_comes_back_whole(served: str) -> None:
    async with http_client(served, timeout_s=5) as client:
        status, body = await client.post_whole(
            client.base_url.join("/echo"),
            b'{"answers": [1, 2, 3]}',
            {"Content-Type": "application/json", "X-Forwarded-For": "10.0.0.7"},
        )
    assert status == 200
    assert json.loads(body)["body"] == {"answers": [1, 2, 3]}
    assert json.loads(body)["headers"]["x-forwarded-for"] == "10.0.0.7"


async def test_a_whole_post_fails_as_the_clients_other_calls_fail(served: str) -> None:
    async with http_client(UNREACHABLE, timeout_s=5) as client:
        with pytest.raises(httpx.TransportError):
            await client.post_whole(client.base_url.join("/echo"), b"{}", {})
    async with http_client(served, timeout_s=0.2) as client:
        with pytest.raises(httpx.TimeoutException):
            await client.post_whole(client.base_url.join("/held"), b"{}", {})
    async with http_client(served, timeout_s=5) as client:
        with pytest.raises(httpx.LocalProtocolError):
            await client.post_whole(client.base_url.join("/echo"), b"{}", {"Idempotency-Key": "a\nb"})


async def test_a_whole_post_through_another_transport_goes_through_httpx(
    release: asyncio.Event, holding: asyncio.Event
) -> None:
    transport = httpx.ASGITransport(app=_app(release, holding))
    async with http_client("http://in-process", timeout_s=5, transport=transport) as client:
        status, body = await client.post_whole(
            client.base_url.join("/echo"), b'{"a": 1}', {"Content-Type": "application/json"}
        )
    assert status == 200
    assert json.loads(body)["body"] == {"a": 1}
