"""The shipped catalogue of development resources: the library's publications, and resources for every
HLM dimension, published when the catalogue is loaded."""

from __future__ import annotations

from typing import Any

import httpx

# Bibliographic facts of the publications the library lists: title, authors (as cited), year, publisher.
PUBLICATIONS = {
    "caring-to-change": (
        "Caring to change: how compassionate leadership can stimulate innovation in health care",
        ["West, M.", "Eckert, R.", "Collins, B.", "Chowla, R."],
        2017,
        "King's Fund / Health Foundation",
    ),
    "leading-across-the-health-and-care-system": (
        "Leading across the health and care system: lessons from experience",
        ["Hulks, S.", "Walsh, N.", "Powell, M."],
        2017,
        "King's Fund",
    ),
    "hlm-nine-dimensions": (
        "Healthcare Leadership Model: the nine dimensions of leadership behaviour",
        [],
        2013,
        "NHS Leadership Academy",
    ),
    "cascading-leadership": (
        "Cascading Leadership: a new model to support leadership in the voluntary and community sector",
        ["Weaks, L.", "Naylor, D.", "Trimble, A."],
        2017,
        "King's Fund",
    ),
    "developing-people-improving-care": (
        "Developing People \u2013 Improving Care: a national framework for action on improvement and leadership "
        "development in NHS-funded services",
        [],
        2017,
        "NHS Improvement",
    ),
    "leading-large-scale-change-online": ("Leading Large Scale Change", [], 2017, "NHS England"),
    "leading-large-scale-change-guide": ("Leading large-scale change: a practical guide", [], 2017, "NHS England"),
    "leading-with-compassion": (
        "Building and strengthening leadership: leading with compassion",
        [],
        2014,
        "NHS England",
    ),
    "extreme-teaming": (
        "Extreme teaming: how to deliver integrated care",
        ["Edmondson, A."],
        2019,
        "Novartis Pharmaceuticals UK",
    ),
}


async def _published(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/resources", params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_every_hlm_dimension_has_at_least_two_published_resources(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    hlm = (await client.get("/v1/frameworks/hlm", headers=participant)).json()
    dimensions = [d["key"] for d in hlm["dimensions"]]
    assert len(dimensions) == 9

    for dimension in dimensions:
        serving = await _published(client, participant, framework="hlm", dimension=dimension)
        # Besides the model's own description and the self-assessment, which serve every dimension.
        own = [r for r in serving if len({t["dimension"] for t in r["serves"]}) < len(dimensions)]
        assert len(own) >= 2, dimension


async def test_every_publication_of_the_library_is_published_with_its_bibliographic_facts(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    readings = {r["key"]: r for r in await _published(client, participant, kind="reading")}

    for key, (title, authors, year, publisher) in PUBLICATIONS.items():
        reading = readings[key]
        assert (reading["title"], reading["authors"], reading["year"], reading["provider"]) == (
            title,
            authors,
            year,
            publisher,
        )
        assert reading["status"] == "published"
        assert reading["serves"]


async def test_levels_named_by_the_shipped_resources_are_the_four_hlm_levels(
    client: httpx.AsyncClient, participant: dict[str, str]
) -> None:
    hlm = (await client.get("/v1/frameworks/hlm", headers=participant)).json()
    levels = {level["key"] for level in hlm["rating_levels"]}
    assert levels == {"essential", "proficient", "strong", "exemplary"}

    named = {
        (t["framework"], level)
        for r in await _published(client, participant)
        for t in r["serves"]
        for level in t["from_levels"]
    }

    assert {level for _, level in named} <= levels
    assert {framework for framework, _ in named} == {"hlm"}
