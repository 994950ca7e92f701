"""Abusive queries are refused with a clear error before anything is resolved."""

from __future__ import annotations

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
