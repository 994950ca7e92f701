"""Listing resources: filters by dimension, framework, kind and audience; pages; drafts for admins only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from hlm_contracts import ResourceAudience

Problem = Callable[[httpx.Response, int], dict[str, Any]]
ImportDocument = Callable[..., Awaitable[httpx.Response]]


async def _all(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every page of the list, following next_cursor."""
    items: list[dict[str, Any]] = []
    while True:
        response = await client.get("/v1/resources", params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


async def test_pages_follow_each_other_without_gaps_or_repeats(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    whole = await _all(client, participant, limit=100)
    paged = await _all(client, participant, limit=4)

    assert [(i["key"], i["version"]) for i in paged] == [(i["key"], i["version"]) for i in whole]
    assert len(whole) > 4
    assert {i["status"] for i in whole} == {"published"}


async def test_the_dimension_filter_returns_exactly_the_resources_serving_that_dimension(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    everything = await _all(client, participant, limit=100)

    holding = await _all(client, participant, dimension="holding_to_account")

    expected = [i["key"] for i in everything if "holding_to_account" in {t["dimension"] for t in i["serves"]}]
    assert [i["key"] for i in holding] == expected
    assert len(expected) >= 2


async def test_the_framework_filter_keeps_resources_serving_a_domain_of_that_framework(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    lf2011 = await _all(client, participant, framework="lf2011")

    assert lf2011
    assert all("lf2011" in {t["framework"] for t in i["serves"]} for i in lf2011)
    improving = await _all(client, participant, framework="lf2011", dimension="improving_services")
    assert {i["key"] for i in improving} >= {"caring-to-change", "developing-people-improving-care"}


async def test_the_kind_filter_returns_only_that_kind(client: httpx.AsyncClient, participant: dict[str, str]) -> None:
    coaching = await _all(client, participant, kind="coaching")

    assert coaching
    assert {i["kind"] for i in coaching} == {"coaching"}


@pytest.mark.parametrize("audience", [a.value for a in ResourceAudience])
async def test_an_audience_gets_what_is_written_for_it_and_for_all_staff(
    client: httpx.AsyncClient, participant: dict[str, str], audience: str
) -> None:
    everything = await _all(client, participant, limit=100)

    chosen = await _all(client, participant, audience=audience)

    expected = [i["key"] for i in everything if {audience, "all_staff"} & set(i["audiences"])]
    assert [i["key"] for i in chosen] == expected


async def test_filters_combine(client: httpx.AsyncClient, participant: dict[str, str]) -> None:
    found = await _all(client, participant, dimension="leading_with_care", kind="reading", audience="clinicians")

    assert found
    for item in found:
        assert item["kind"] == "reading"
        assert "leading_with_care" in {t["dimension"] for t in item["serves"]}
        assert {"clinicians", "all_staff"} & set(item["audiences"])


async def test_drafts_are_listed_for_admins_who_ask_and_refused_to_everyone_else(
    client: httpx.AsyncClient,
    import_resources: ImportDocument,
    resources_document: dict[str, Any],
    admin: dict[str, str],
    auth: Any,
    assert_problem: Problem,
) -> None:
    await import_resources(resources_document)

    drafts = await _all(client, admin, status="draft")

    assert [i["key"] for i in drafts] == ["test-coaching", "test-reading"]
    assert "test-reading" not in {i["key"] for i in await _all(client, admin)}
    for role in ("participant", "facilitator", "partner"):
        assert_problem(await client.get("/v1/resources?status=draft", headers=auth(role)), 403)


@pytest.mark.parametrize("cursor", ["nonsense", "caring-to-change:", "caring-to-change:0", "x:99999999999"])
async def test_a_cursor_the_list_did_not_return_is_a_422_naming_it(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem, cursor: str
) -> None:
    body = assert_problem(await client.get("/v1/resources", params={"cursor": cursor}, headers=participant), 422)

    assert [e["loc"] for e in body["errors"]] == [["query", "cursor"]]


@pytest.mark.parametrize("query", ["kind=webinar", "audience=everyone", "limit=0", "limit=101", "status=lost"])
async def test_an_unknown_filter_value_is_a_422(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem, query: str
) -> None:
    assert_problem(await client.get(f"/v1/resources?{query}", headers=participant), 422)


async def test_an_unknown_resource_is_a_404(
    client: httpx.AsyncClient, participant: dict[str, str], assert_problem: Problem
) -> None:
    body = assert_problem(await client.get("/v1/resources/no-such-resource", headers=participant), 404)

    assert body["type"].endswith("/resource-not-found")
