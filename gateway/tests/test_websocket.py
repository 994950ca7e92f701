"""Queries and mutations over graphql-transport-ws, as Apollo Client and gql send them: the credential of
connection_init holds for every operation on the socket, and a bad operation fails alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
import websockets

from hlm_gateway.config import Settings
from hlm_gateway.main import create_app
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .conftest import UNREACHABLE, CountingTransport, common, serve

FRAMEWORK = '{ framework(key: "hlm") { name } }'


@pytest_asyncio.fixture
async def gateway_url(framework: CountingTransport, amqp_url: str) -> AsyncIterator[str]:
    """The gateway on a real socket, with framework-svc in-process and every other service down."""
    settings = Settings.model_validate(
        {**common(amqp_url), **{f"{name}_url": UNREACHABLE for name in ("survey", "report", "facilitator")}}
    )
    app = create_app(settings, transport_for=lambda service: framework if service == "framework" else None)
    async with serve(app) as url:
        yield url


async def connect(url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None) -> Any:
    ws = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], additional_headers=headers
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def receive(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
    return message


def bearer(auth: AuthHeaders) -> str:
    return auth("participant")["Authorization"]


PAYLOADS: dict[str, Callable[[str], dict[str, Any]]] = {
    "Authorization": lambda value: {"Authorization": value},
    "authorization": lambda value: {"authorization": value},
    "token": lambda value: {"token": value.removeprefix("Bearer ")},
    "headers": lambda value: {"headers": {"Authorization": value}},
}


@pytest.mark.parametrize("form", sorted(PAYLOADS))
async def test_a_query_on_a_socket_is_asked_as_the_connection_init_caller(
    gateway_url: str, auth: AuthHeaders, form: str
) -> None:
    ws = await connect(gateway_url, PAYLOADS[form](bearer(auth)))
    try:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FRAMEWORK}}))
        answer = await receive(ws)
        assert await receive(ws) == {"id": "1", "type": "complete"}
    finally:
        await ws.close()
    assert answer["type"] == "next", answer
    assert "errors" not in answer["payload"], answer
    assert answer["payload"]["data"]["framework"]["name"]


ERASE_MY_DATA = "mutation { eraseMyData { __typename } }"


async def first_error_code(ws: Any, operation: str) -> str:
    """The code of the first error the single operation ``operation`` is answered with on ``ws``."""
    assert (await receive(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": operation}}))
    answer = await receive(ws)
    assert answer["type"] == "next", answer
    code: str = answer["payload"]["errors"][0]["extensions"]["code"]
    return code


async def test_a_mutation_on_a_socket_is_made_as_the_connection_init_caller(
    gateway_url: str, auth: AuthHeaders
) -> None:
    # eraseMyData acts on the verified caller; the services it erases from are down here, so a caller the
    # gateway took for signed in gets UPSTREAM_UNAVAILABLE, and one it did not gets UNAUTHENTICATED.
    signed_in = await connect(gateway_url, {"Authorization": bearer(auth)})
    anonymous = await connect(gateway_url, {})
    try:
        assert await first_error_code(signed_in, ERASE_MY_DATA) == "UPSTREAM_UNAVAILABLE"
        assert await first_error_code(anonymous, ERASE_MY_DATA) == "UNAUTHENTICATED"
    finally:
        await signed_in.close()
        await anonymous.close()


async def test_a_query_on_a_socket_without_a_credential_is_unauthenticated(gateway_url: str) -> None:
    ws = await connect(gateway_url, {})
    try:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FRAMEWORK}}))
        answer = await receive(ws)
    finally:
        await ws.close()
    assert answer["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_credential_that_cannot_be_one_closes_the_connection(gateway_url: str) -> None:
    ws = await connect(gateway_url, {"Authorization": "Bearer clé\x00"})
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_an_operation_that_does_not_parse_is_an_error_and_the_socket_carries_on(
    gateway_url: str, auth: AuthHeaders
) -> None:
    ws = await connect(gateway_url, {"Authorization": bearer(auth)})
    try:
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": '{ framework(key: "hlm" '}}))
        refused = await receive(ws)
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": FRAMEWORK}}))
        answered = await receive(ws)
    finally:
        await ws.close()
    assert refused["type"] == "error", refused
    assert refused["id"] == "1"
    assert refused["payload"][0]["message"].startswith("Syntax Error")
    assert answered["type"] == "next"
    assert answered["payload"]["data"]["framework"]["name"]


async def test_a_message_over_the_limit_closes_the_socket_as_too_big(gateway_url: str, auth: AuthHeaders) -> None:
    ws = await connect(gateway_url, {"Authorization": bearer(auth)})
    assert (await receive(ws))["type"] == "connection_ack"
    query = FRAMEWORK + " " * 1_000_000
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


async def test_a_query_asked_again_on_a_socket_is_read_again(
    gateway_url: str, framework: CountingTransport, auth: AuthHeaders
) -> None:
    ws = await connect(gateway_url, {"Authorization": bearer(auth)})
    answers = []
    try:
        assert (await receive(ws))["type"] == "connection_ack"
        for id in ("1", "2"):
            await ws.send(json.dumps({"id": id, "type": "subscribe", "payload": {"query": FRAMEWORK}}))
            answers.append(await receive(ws))
            assert await receive(ws) == {"id": id, "type": "complete"}
    finally:
        await ws.close()
    assert [a["payload"]["data"]["framework"]["name"] for a in answers] == [
        answers[0]["payload"]["data"]["framework"]["name"]
    ] * 2
    # Each operation has DataLoaders of its own: the second is not answered from the first one's cache.
    assert framework.calls[("GET", "/v1/frameworks/hlm")] == 2
