"""The catalogue through GraphQL: what the app reads, in as few upstream calls as the data allows."""

from __future__ import annotations

from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

QUESTIONNAIRES = """
query ($ids: [ID!]!) {
  questionnaires(ids: $ids) {
    id key
    items { key dimensionKey }
    framework { key version dimensions { name } }
  }
}
"""


async def graphql(client: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: Any) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_hlm_framework_reads_in_order(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    body = await graphql(
        gateway,
        '{ framework(key: "hlm") { name dimensions { position name reflectiveQuestions } ratingLevels { name } } }',
        auth("participant"),
    )
    framework = body["data"]["framework"]
    assert [d["position"] for d in framework["dimensions"]] == list(range(1, 10))
    assert framework["dimensions"][0]["name"] == "Inspiring shared purpose"
    assert [r["name"] for r in framework["ratingLevels"]] == ["Essential", "Proficient", "Strong", "Exemplary"]


async def test_frameworks_page_with_relay_cursors(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    first = await graphql(
        gateway,
        "{ frameworks(first: 1) { edges { cursor node { key } } pageInfo { hasNextPage endCursor } } }",
        auth("participant"),
    )
    page = first["data"]["frameworks"]
    assert [e["node"]["key"] for e in page["edges"]] == ["hlm"]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": "hlm"}
    second = await graphql(
        gateway,
        "query ($after: String) { frameworks(first: 1, after: $after) { edges { node { key latest { version } } } "
        "pageInfo { hasNextPage } } }",
        auth("participant"),
        after=page["pageInfo"]["endCursor"],
    )
    assert [e["node"]["key"] for e in second["data"]["frameworks"]["edges"]] == ["lf2011"]
    assert second["data"]["frameworks"]["pageInfo"]["hasNextPage"] is False


async def test_many_questionnaires_with_their_frameworks_cost_one_upstream_call_per_kind(
    gateway: httpx.AsyncClient, framework: Any, auth: AuthHeaders
) -> None:
    listing = await graphql(gateway, '{ framework(key: "hlm") { questionnaires { id } } }', auth("participant"))
    ids = [q["id"] for q in listing["data"]["framework"]["questionnaires"]]
    assert len(ids) == 2
    framework.calls.clear()

    # 50 entries (each questionnaire asked for 25 times), each with its framework.
    body = await graphql(gateway, QUESTIONNAIRES, auth("participant"), ids=ids * 25)
    assert len(body["data"]["questionnaires"]) == 50
    assert all(q["framework"]["key"] == "hlm" for q in body["data"]["questionnaires"])
    assert framework.calls == {("GET", "/v1/questionnaires"): 1, ("GET", "/v1/frameworks/hlm"): 1}


async def test_the_callers_token_is_what_the_service_checks(gateway: httpx.AsyncClient) -> None:
    body = await graphql(gateway, '{ framework(key: "hlm") { name } }', {})
    assert body["data"] == {"framework": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["framework"]


async def test_an_unknown_framework_is_not_found(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    body = await graphql(gateway, '{ framework(key: "nope") { name } }', auth("participant"))
    assert body["data"] == {"framework": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
