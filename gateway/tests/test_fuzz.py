"""Fuzz every query and mutation of the gateway's schema (gateway/schema.graphql), as every role,
against the real services in-process: whatever an app sends, the gateway answers without a 5xx, and
every error it returns carries ``extensions.code`` (never a bare, masked "Unexpected error.")."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import APIOperation

from framework_svc.versioning import version_id
from hlm_kit.testing.fuzz import fuzz, graphql_operations, role_headers, send_graphql_as_every_role, tally

pytestmark = pytest.mark.fuzz

OPERATIONS = graphql_operations(Path(__file__).parents[1] / "schema.graphql")
HLM_360 = str(version_id("questionnaire", "hlm-360", 1))
HLM_SELF = str(version_id("questionnaire", "hlm-self", 1))

SEED = """
mutation ($name: String!, $q: ID!, $self: ID!, $observed: Date!) {
  createCycle(input: {kind: FEEDBACK_360, questionnaireId: $q, selfQuestionnaireId: $self, participantName: $name}) {
    id
  }
  recordObservation(input: {observedOn: $observed, context: "Board round", whatHappened: "Asked first.",
                            dimensionKeys: ["engaging_the_team"]}) { ... on Observation { id } }
  setGoal(input: {title: "Coach one person"}) { ... on Goal { id } }
}
"""


class _Kept(logging.Handler):
    """What the gateway logged at ERROR and above: where a masked error's cause is."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        cause = (
            f" ({record.exc_info[0].__name__}: {record.exc_info[1]})" if record.exc_info and record.exc_info[1] else ""
        )
        self.lines.append(f"{record.name}: {record.getMessage()[:300]}{cause}")


@pytest.fixture
def logged() -> Iterator[_Kept]:
    kept = _Kept()
    root = logging.getLogger()
    root.addHandler(kept)
    try:
        yield kept
    finally:
        root.removeHandler(kept)


@pytest_asyncio.fixture
async def gateway(gateway_with: Any, journey_services: dict[str, Any]) -> Any:
    async with gateway_with(journey_services) as client:
        yield client


@pytest_asyncio.fixture
async def seeded_ids(gateway: httpx.AsyncClient, participant_sub: str) -> list[str]:
    """Ids of participant ``participant_sub``'s rows for generated arguments to name: a 360, an
    observation and a goal, beside the shipped questionnaires."""
    headers = role_headers({"participant": participant_sub}, region=f"region-{participant_sub}")["participant"]
    variables = {"name": "Alex Morgan", "q": HLM_360, "self": HLM_SELF, "observed": date.today().isoformat()}
    response = await gateway.post("/graphql", json={"query": SEED, "variables": variables}, headers=headers)
    body = response.json()
    assert response.status_code == 200, body
    assert not body.get("errors"), body
    data = body["data"]
    return [HLM_360, HLM_SELF, data["createCycle"]["id"], data["recordObservation"]["id"], data["setGoal"]["id"]]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@fuzz
@given(data=st.data())
async def test_no_query_breaks_the_gateway_or_returns_an_error_without_a_code(
    operation: APIOperation,
    data: st.DataObject,
    gateway: httpx.AsyncClient,
    seeded_ids: list[str],
    participant_sub: str,
    logged: _Kept,
    request: pytest.FixtureRequest,
) -> None:
    count = tally(request)
    # An ID argument is either anything at all or one of the seeded rows', so queries reach real rows.
    nodes = schemathesis.graphql.nodes
    schemathesis.graphql.scalar("ID", st.one_of(st.text(), st.sampled_from(seeded_ids)).map(nodes.String))
    case = data.draw(operation.as_strategy(), label="query")
    logged.lines.clear()
    subjects = {"participant": participant_sub, "facilitator": "facilitator-1", "academy_admin": "admin-1"}
    # What the cases write is committed: a region of this test's own keeps it from other tests' rows.
    headers = role_headers(subjects, region=f"region-{participant_sub}")
    await send_graphql_as_every_role(gateway, case, headers, count, logged_errors=lambda: logged.lines[-5:])
