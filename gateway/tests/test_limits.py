"""Abusive queries are refused with a clear error before anything is resolved."""

from __future__ import annotations

from collections.abc import AsyncIterator

import graphql
import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders


async def test_a_query_nested_too_deep_is_refused(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    nested = "framework { questionnaires { " * 8 + "id" + " } }" * 8
    query = '{ framework(key: "hlm") { questionnaires { ' + nested + " } } }"
    response = await gateway.post("/graphql", json={"query": query}, headers=auth("participant"))
    body = response.json()
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_too_many_aliases_are_refused(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    aliases = " ".join(f'a{i}: framework(key: "hlm") {{ name }}' for i in range(40))
    response = await gateway.post("/graphql", json={"query": "{ " + aliases + " }"}, headers=auth("participant"))
    body = response.json()
    assert body.get("data") is None
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_a_query_with_too_many_tokens_is_refused(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    fields = " ".join(["name"] * 2500)
    response = await gateway.post(
        "/graphql", json={"query": '{ framework(key: "hlm") { ' + fields + " } }"}, headers=auth("participant")
    )
    body = response.json()
    assert body.get("data") is None
    assert "token" in body["errors"][0]["message"].lower()


async def test_introspection_nested_too_deep_is_refused(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    nested = "ofType { " * 30 + "name" + " }" * 30
    response = await gateway.post(
        "/graphql", json={"query": '{ __type(name: "Query") { ' + nested + " } }"}, headers=auth("participant")
    )
    body = response.json()
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_a_query_nested_too_deep_through_fragments_is_refused(
    gateway: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    fragments = " ".join(f"fragment F{i} on __Type {{ ofType {{ ...F{i + 1} }} }}" for i in range(20))
    query = '{ __type(name: "Query") { ...F0 } } ' + fragments + " fragment F20 on __Type { name }"
    response = await gateway.post("/graphql", json={"query": query}, headers=auth("participant"))
    body = response.json()
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_the_introspection_query_clients_send_is_answered(gateway: httpx.AsyncClient) -> None:
    query = graphql.get_introspection_query(descriptions=True, input_value_deprecation=True)
    response = await gateway.post("/graphql", json={"query": query})
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_request_body_over_the_limit_is_refused_before_it_is_read(
    gateway: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    query = '{ framework(key: "hlm") { name } }' + " " * 1_000_000
    response = await gateway.post("/graphql", json={"query": query}, headers=auth("participant"))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_request_body_over_the_limit_sent_in_chunks_is_refused(
    gateway: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ framework(key: \\"hlm\\") { name } }'
        for _ in range(100):
            yield b" " * 10_000
        yield b'"}'

    response = await gateway.post(
        "/graphql", content=chunks(), headers={**auth("participant"), "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_query_string_over_the_limit_is_refused(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    query = '{ framework(key: "hlm") { name } }' + " " * 30_000
    response = await gateway.get("/graphql", params={"query": query}, headers=auth("participant"))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_request_within_the_limits_is_answered(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    query = '{ framework(key: "hlm") { name } }' + " " * 100_000
    response = await gateway.post("/graphql", json={"query": query}, headers=auth("participant"))
    assert response.status_code == 200
    assert response.json()["data"]["framework"]["name"]
