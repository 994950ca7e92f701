"""Cycles with their reports and sessions through GraphQL, against survey-, report- and facilitator-svc
running in-process on the real database: batched upstream reads, and partial data when one is down."""

from __future__ import annotations

from typing import Any

import httpx

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
    assert journey_services["facilitator"].calls == {("GET", "/v1/bookings"): 1}


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
