"""Cycles with their reports and sessions through GraphQL, against survey-, report- and facilitator-svc
running in-process on the real database: batched upstream reads, and partial data when one is down."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

import httpx

from hlm_contracts import EventData
from hlm_kit.testing.pytest_plugin import AuthHeaders

HLM_SELF = "43bf6408-24f2-588e-b607-415f64388224"
CYCLES = """
query ($first: Int!) {
  framework(key: "hlm") { name }
  cycles(first: $first) {
    edges { node { id kind status progress { raterGroup } report { id state } feedbackSession { id } } }
    pageInfo { hasNextPage }
  }
}
"""


async def create_cycles(survey: Any, headers: dict[str, str], count: int) -> list[str]:
    async with httpx.AsyncClient(transport=survey, base_url="http://survey-svc") as client:
        ids = []
        for n in range(count):
            response = await client.post(
                "/v1/cycles",
                json={"kind": "self_assessment", "questionnaire_id": HLM_SELF, "participant_name": f"Sam {n}"},
                headers=headers,
            )
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        return ids


async def test_fifty_cycles_with_reports_and_sessions_cost_one_upstream_call_per_service(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    created = await create_cycles(journey_services["survey"], headers, 50)
    for transport in journey_services.values():
        transport.calls.clear()

    async with gateway_with(journey_services) as gateway:
        response = await gateway.post("/graphql", json={"query": CYCLES, "variables": {"first": 50}}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["cycles"]["edges"]]
    assert sorted(node["id"] for node in nodes) == sorted(created)
    assert all(node["report"] is None and node["feedbackSession"] is None for node in nodes)
    assert journey_services["survey"].calls == {("GET", "/v1/cycles"): 1}
    assert journey_services["report"].calls == {("GET", "/v1/reports"): 1}
    # The query reads no report's content, so report-svc is asked for summaries.
    assert journey_services["report"].queries == {("GET", "/v1/reports", "view=summary"): 1}
    assert journey_services["facilitator"].calls == {("GET", "/v1/bookings"): 1}
    # The sessions of exactly these cycles, not the caller's first page of sessions.
    ((_, _, query),) = journey_services["facilitator"].queries
    assert sorted(parse_qs(query)["cycle_ids"][0].split(",")) == sorted(created)


async def released_360_reports(report_database_url: str, participant_id: str, cycle_ids: list[str]) -> None:
    """A ready 360 report, released, for each of the participant's cycles, as report-svc builds it from
    the events."""
    from .test_reports import apply, cycle_events, questionnaire

    questionnaire_id = uuid.uuid4()
    events: list[EventData] = [questionnaire(questionnaire_id)]
    for cycle_id in cycle_ids:
        _, cycle = cycle_events(
            participant_id=participant_id,
            questionnaire_id=questionnaire_id,
            organisation="ORG-JOURNEY",
            region="journey",
            team_cycle_id=None,
            release_mode="direct",
        )
        events += [event.model_copy(update={"cycle_id": uuid.UUID(cycle_id)}) for event in cycle]
    await apply(report_database_url, events)


def cycles_with(report: str, fragments: str = "") -> str:
    return "query { cycles(first: 10) { edges { node { id " + report + " } } } } " + fragments


async def test_a_cycles_report_is_read_whole_only_for_a_query_that_reads_its_content(
    gateway_with: Any,
    journey_services: dict[str, Any],
    journey_database_urls: dict[str, str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    headers = auth("participant", sub=participant_sub)
    created = await create_cycles(journey_services["survey"], headers, 3)
    await released_360_reports(journey_database_urls["report"], participant_sub, created)
    report = journey_services["report"]
    queries = {
        "status": cycles_with("report { id state status }"),
        "content": cycles_with("report { id status content }"),
        "fragment": cycles_with("report { ...Whole }", "fragment Whole on Report { status content }"),
        "inline": cycles_with("... on Cycle { report { ... on Report { content } } }"),
        "both": cycles_with("report { status } whole: report { content }"),
    }
    answers: dict[str, Any] = {}
    calls: dict[str, dict[tuple[str, str, str], int]] = {}

    async with gateway_with(journey_services) as gateway:
        for name, query in queries.items():
            report.queries.clear()
            response = await gateway.post("/graphql", json={"query": query}, headers=headers)
            answers[name] = response.json()
            calls[name] = dict(report.queries)

    for body in answers.values():
        assert "errors" not in body, body
    reports = {name: [edge["node"] for edge in body["data"]["cycles"]["edges"]] for name, body in answers.items()}
    summary, whole = ("GET", "/v1/reports", "view=summary"), ("GET", "/v1/reports", "")
    # Only the report's state and status: one call for summaries, and the same figures.
    assert calls["status"] == {summary: 1}
    assert {(n["report"]["state"], n["report"]["status"]) for n in reports["status"]} == {("ready", "released")}
    # Its content, however the query reaches it: one call for whole reports, and the content itself.
    for name in ("content", "fragment", "inline"):
        assert calls[name] == {whole: 1}, name
        assert all(n["report"]["content"]["state"] == "ready" for n in reports[name]), name
    assert [n["report"]["id"] for n in reports["content"]] == [n["report"]["id"] for n in reports["status"]]
    # Both in one query: one call per kind, however many cycles.
    assert calls["both"] == {summary: 1, whole: 1}
    assert all(n["report"]["status"] == "released" and n["whole"]["content"] for n in reports["both"])


async def test_a_service_that_is_down_leaves_the_rest_of_the_answer_intact(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    headers = auth("participant", sub=participant_sub)
    await create_cycles(journey_services["survey"], headers, 2)
    running = {name: t for name, t in journey_services.items() if name != "report"}  # report-svc is down

    async with gateway_with(running) as gateway:
        response = await gateway.post("/graphql", json={"query": CYCLES, "variables": {"first": 10}}, headers=headers)
    body = response.json()
    assert body["data"]["framework"] == {"name": "Healthcare Leadership Model"}
    nodes = [edge["node"] for edge in body["data"]["cycles"]["edges"]]
    assert len(nodes) == 2
    assert all(node["report"] is None for node in nodes)
    assert all(node["feedbackSession"] is None for node in nodes)
    failed = [error for error in body["errors"] if error["path"][-1] == "report"]
    assert len(failed) == 2
    assert {error["extensions"]["code"] for error in failed} == {"UPSTREAM_UNAVAILABLE"}
    assert {error["extensions"]["service"] for error in failed} == {"report-svc"}
