"""Development resources through GraphQL, against framework-svc running in-process with the catalogue's
published resources: a participant finds what develops a dimension, a page at a time, for their audience."""

from __future__ import annotations

from typing import Any

import httpx

from hlm_kit.testing.pytest_plugin import AuthHeaders

RESOURCES = """
query ($dimension: String, $framework: String, $kind: ResourceKind, $audience: ResourceAudience,
       $first: Int!, $after: String) {
  resources(dimension: $dimension, framework: $framework, kind: $kind, audience: $audience,
            first: $first, after: $after) {
    edges { cursor node { key kind audiences serves { framework dimension fromLevels } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
RESOURCE = """
query ($key: String!) {
  resource(key: $key) {
    key version title kind description provider authors year link format durationMinutes
    cost { amount currency } audiences serves { framework dimension fromLevels } publishedAt
  }
}
"""


async def graphql(client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def keys(body: Any) -> list[str]:
    return [edge["node"]["key"] for edge in body["data"]["resources"]["edges"]]


async def test_a_participant_pages_through_the_resources_that_develop_a_dimension(
    gateway: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    participant = auth("participant")

    whole = await graphql(gateway, participant, RESOURCES, dimension="leading_with_care", first=100)
    first = await graphql(gateway, participant, RESOURCES, dimension="leading_with_care", first=2)
    page = first["data"]["resources"]
    rest = await graphql(
        gateway, participant, RESOURCES, dimension="leading_with_care", first=100, after=page["pageInfo"]["endCursor"]
    )

    assert "errors" not in whole, whole
    everything = keys(whole)
    assert len(everything) > 2
    assert everything == sorted(everything)
    for edge in whole["data"]["resources"]["edges"]:
        assert "leading_with_care" in [t["dimension"] for t in edge["node"]["serves"]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert keys(first) + keys(rest) == everything
    assert rest["data"]["resources"]["pageInfo"]["hasNextPage"] is False
    # An edge's cursor continues the list after that resource, as pageInfo's does after the page.
    after_first = await graphql(
        gateway, participant, RESOURCES, dimension="leading_with_care", first=1, after=page["edges"][0]["cursor"]
    )
    assert keys(after_first) == everything[1:2]


async def test_resources_filter_by_kind_audience_and_framework(gateway: httpx.AsyncClient, auth: AuthHeaders) -> None:
    participant = auth("participant")

    readings = await graphql(gateway, participant, RESOURCES, kind="READING", first=100)
    for_managers = await graphql(gateway, participant, RESOURCES, audience="MANAGERS", first=100)
    lf2011 = await graphql(gateway, participant, RESOURCES, framework="lf2011", first=100)

    assert keys(readings)
    assert all(e["node"]["kind"] == "READING" for e in readings["data"]["resources"]["edges"])
    # A resource for all staff is for managers too.
    assert keys(for_managers)
    for edge in for_managers["data"]["resources"]["edges"]:
        assert {"MANAGERS", "ALL_STAFF"} & set(edge["node"]["audiences"])
    assert "caring-to-change" in keys(for_managers)
    assert "caring-to-change" in keys(lf2011)
    for edge in lf2011["data"]["resources"]["edges"]:
        assert "lf2011" in [t["framework"] for t in edge["node"]["serves"]]


async def test_a_resource_reads_by_key_and_an_unknown_one_is_not_found(
    gateway: httpx.AsyncClient, auth: AuthHeaders
) -> None:
    participant = auth("participant")

    found = await graphql(gateway, participant, RESOURCE, key="caring-to-change")
    unknown = await graphql(gateway, participant, RESOURCE, key="no-such-resource")

    assert "errors" not in found, found
    resource = found["data"]["resource"]
    assert resource["key"] == "caring-to-change"
    assert resource["kind"] == "READING"
    assert resource["audiences"] == ["ALL_STAFF"]
    assert {"framework": "hlm", "dimension": "leading_with_care", "fromLevels": ["proficient", "strong"]} in resource[
        "serves"
    ]
    assert {"framework": "lf2011", "dimension": "improving_services", "fromLevels": []} in resource["serves"]
    assert resource["publishedAt"] is not None
    assert unknown["data"]["resource"] is None
    assert [e["extensions"]["code"] for e in unknown["errors"]] == ["NOT_FOUND"]


async def test_resource_arguments_that_cannot_be_keys_or_cursors_are_refused_before_any_call(
    gateway: httpx.AsyncClient, framework: Any, auth: AuthHeaders
) -> None:
    participant = auth("participant")
    framework.calls.clear()

    bad_key = await graphql(gateway, participant, RESOURCE, key="../frameworks")
    bad_dimension = await graphql(gateway, participant, RESOURCES, dimension="Leading With Care", first=5)
    too_many = await graphql(gateway, participant, RESOURCES, first=1000)
    anonymous = await graphql(gateway, {}, RESOURCES, first=5)

    for refused in (bad_key, bad_dimension, too_many):
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["BAD_USER_INPUT"]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert set(framework.calls) <= {("GET", "/v1/resources")}
    assert framework.calls[("GET", "/v1/resources")] == 1
