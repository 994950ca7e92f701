"""The observation journal: entries tagged with HLM dimensions, private to their author, filtered
by dimension and date, exported as a PDF summary."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from hlm_kit.testing import today
from hlm_kit.testing.pytest_plugin import AuthHeaders

Problem = Any


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "observed_on": today().isoformat(),
        "context": "Board round, ward 7",
        "what_happened": "The registrar asked the student nurse for her view before deciding on discharge.",
        "dimension_keys": ["engaging_the_team"],
        "reflection": "I want to make room for quieter voices like that.",
        **overrides,
    }


@pytest.fixture
def me(auth: AuthHeaders) -> dict[str, str]:
    return auth("participant", sub="author-1")


async def test_an_author_records_edits_and_deletes_an_observation(
    client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    created = await client.post("/v1/observations", json=entry(), headers=me)
    observation_id = created.json()["id"]

    edited = await client.patch(
        f"/v1/observations/{observation_id}",
        json={"dimension_keys": ["engaging_the_team", "leading_with_care"], "reflection": None},
        headers=me,
    )
    deleted = await client.delete(f"/v1/observations/{observation_id}", headers=me)

    assert created.status_code == 201
    assert created.headers["location"] == f"/v1/observations/{observation_id}"
    assert edited.json()["dimension_keys"] == ["engaging_the_team", "leading_with_care"]
    assert edited.json()["reflection"] is None
    assert edited.json()["context"] == "Board round, ward 7"
    assert deleted.status_code == 204
    assert (await client.get(f"/v1/observations/{observation_id}", headers=me)).status_code == 404


async def test_observations_are_seen_by_their_author_alone(
    client: httpx.AsyncClient, me: dict[str, str], auth: AuthHeaders, assert_problem: Problem
) -> None:
    created = (await client.post("/v1/observations", json=entry(), headers=me)).json()
    someone_else = auth("academy_admin", "participant", sub="admin-2")

    assert_problem(await client.get(f"/v1/observations/{created['id']}", headers=someone_else), 404)
    assert (await client.get("/v1/observations", headers=someone_else)).json()["items"] == []


async def test_observations_are_listed_newest_first_and_filtered_by_dimension_and_date(
    client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    days = [today() - timedelta(days=n) for n in (30, 10, 3, 1)]
    keys = ["holding_to_account", "engaging_the_team", "holding_to_account", "sharing_the_vision"]
    for day, key in zip(days, keys, strict=True):
        await client.post("/v1/observations", json=entry(observed_on=day.isoformat(), dimension_keys=[key]), headers=me)

    everything = (await client.get("/v1/observations?limit=3", headers=me)).json()
    rest = (await client.get(f"/v1/observations?limit=3&cursor={everything['next_cursor']}", headers=me)).json()
    by_dimension = (await client.get("/v1/observations?dimension=holding_to_account", headers=me)).json()
    in_period = (
        await client.get(f"/v1/observations?from={days[1].isoformat()}&to={days[2].isoformat()}", headers=me)
    ).json()

    assert [o["observed_on"] for o in everything["items"] + rest["items"]] == [d.isoformat() for d in reversed(days)]
    assert [o["observed_on"] for o in by_dimension["items"]] == [days[2].isoformat(), days[0].isoformat()]
    assert [o["observed_on"] for o in in_period["items"]] == [days[2].isoformat(), days[1].isoformat()]


async def test_a_bad_observation_lists_every_problem_and_stores_nothing(
    client: httpx.AsyncClient, me: dict[str, str], stored_state: Any, assert_problem: Problem
) -> None:
    before = await stored_state()
    bad = entry(
        observed_on=(today() + timedelta(days=2)).isoformat(),
        dimension_keys=["engaging_the_team", "not_a_dimension"],
    )
    shapeless = {"observed_on": "yesterday", "context": "  ", "dimension_keys": [], "mood": "good"}

    problem = assert_problem(await client.post("/v1/observations", json=bad, headers=me), 422)
    malformed = assert_problem(await client.post("/v1/observations", json=shapeless, headers=me), 422)

    assert sorted(tuple(e["loc"]) for e in problem["errors"]) == [
        ("body", "dimension_keys", 1),
        ("body", "observed_on"),
    ]
    assert {e["loc"][1] for e in malformed["errors"]} == {
        "observed_on",
        "context",
        "what_happened",
        "dimension_keys",
        "mood",
    }
    assert await stored_state() == before


async def test_a_retried_observation_with_the_same_idempotency_key_is_stored_once(
    client: httpx.AsyncClient, me: dict[str, str]
) -> None:
    headers = {**me, "Idempotency-Key": "obs-1"}

    first = await client.post("/v1/observations", json=entry(), headers=headers)
    again = await client.post("/v1/observations", json=entry(), headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len((await client.get("/v1/observations", headers=me)).json()["items"]) == 1


async def test_the_pdf_summary_holds_the_periods_observations_and_goals(
    client: httpx.AsyncClient, me: dict[str, str], auth: AuthHeaders
) -> None:
    await client.post("/v1/observations", json=entry(context="Handover <ward 7> & safety huddle"), headers=me)
    await client.post(
        "/v1/observations",
        json=entry(observed_on=(today() - timedelta(days=400)).isoformat(), context="Long ago"),
        headers=me,
    )
    await client.post(
        "/v1/observations", json=entry(context="Someone else's entry"), headers=auth("participant", sub="author-2")
    )
    await client.post("/v1/goals", json={"title": "Run one huddle a week"}, headers=me)

    response = await client.get("/v1/observations/summary.pdf?name=Alex%20Morgan", headers=me)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alex Morgan" in text
    assert "Handover <ward 7> & safety huddle" in text
    assert "Run one huddle a week" in text
    assert "Engaging the team" in text
    assert "Long ago" not in text
    assert "Someone else" not in text
    # Tagged (PDF/UA), in British English, titled with the window showing the title.
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True


@pytest.mark.parametrize(
    "query",
    [f"from={today().isoformat()}&to=2020-01-01", f"from=2020-01-01&to={today().isoformat()}"],
    ids=["backwards", "longer-than-three-years"],
)
async def test_a_summary_period_must_run_forwards_and_span_at_most_three_years(
    client: httpx.AsyncClient, me: dict[str, str], assert_problem: Problem, query: str
) -> None:
    response = await client.get(f"/v1/observations/summary.pdf?{query}", headers=me)

    errors = assert_problem(response, 422)["errors"]
    assert [(e["loc"], e["type"]) for e in errors] == [(["query", "from"], "bad_period")]
