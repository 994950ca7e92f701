"""Fuzz every operation of survey-svc's API, as every role, on seeded cycles, invitations and journals:
whatever a client sends, the service answers without a 5xx and as its OpenAPI document says."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import APIOperation

from hlm_kit.testing.fuzz import (
    draw_case,
    fuzz,
    openapi_operations,
    placeholder_settings,
    role_headers,
    send_as_every_role,
    tally,
)
from survey_svc.config import Settings
from survey_svc.main import create_app

pytestmark = pytest.mark.fuzz

OPERATIONS = openapi_operations(create_app(placeholder_settings(Settings, email_hash_key="x" * 40)))
SUBJECTS = {"participant": "participant-1", "facilitator": "facilitator-1", "academy_admin": "admin-1"}


@pytest_asyncio.fixture
async def seeded(survey: Any, client: httpx.AsyncClient) -> dict[str, list[str]]:
    """Rows of participant-1 for the cases to reach: an open 360 with its raters' links, a draft, a
    self-assessment, a team, an observation and a goal; by the path parameter that names them."""
    me = survey.participant
    opened, raters = await survey.open_360()
    tokens = await survey.tokens(raters[:2])
    listed = (await client.get(f"/v1/cycles/{opened['id']}/raters", headers=me)).json()["items"]
    draft = await survey.create()
    own = await survey.create(
        kind="self_assessment", questionnaire_id=str(survey.hlm_self.questionnaire_id), self_questionnaire_id=None
    )
    team = (await client.post("/v1/team-cycles", json={"name": "Ward 7"}, headers=me)).json()
    observation = {
        "observed_on": date.today().isoformat(),
        "context": "Morning handover on ward 7",
        "what_happened": "The charge nurse asked the newest member of staff to lead the safety huddle.",
        "dimension_keys": ["developing_capability", "engaging_the_team"],
    }
    noted = (await client.post("/v1/observations", json=observation, headers=me)).json()
    goal = (await client.post("/v1/goals", json={"title": "Coach one person"}, headers=me)).json()
    return {
        "cycles": [opened["id"], draft["id"], own["id"]],
        "rater_id": [rater["id"] for rater in listed],
        "token": list(tokens.values()),
        "team": [team["id"]],
        "observation": [noted["id"]],
        "goal": [goal["id"]],
        "questionnaire": [str(survey.hlm_360.questionnaire_id), str(survey.hlm_self.questionnaire_id)],
        "participant_id": ["participant-1"],
    }


def known_ids(path: str, seeded: dict[str, list[str]]) -> dict[str, list[str]]:
    """Which seeded rows a path's parameters may name."""
    by_prefix = {
        "/v1/cycles/": "cycles",
        "/v1/team-cycles/": "team",
        "/v1/observations/": "observation",
        "/v1/goals/": "goal",
        "/v1/questionnaires/": "questionnaire",
    }
    known = {name: values for name, values in seeded.items() if name in ("rater_id", "token", "participant_id")}
    for prefix, name in by_prefix.items():
        if path.startswith(prefix):
            known["id"] = seeded[name]
    return known


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@fuzz
@given(data=st.data())
async def test_every_answer_is_documented_and_no_request_breaks_the_service(
    operation: APIOperation,
    data: st.DataObject,
    client: httpx.AsyncClient,
    seeded: dict[str, list[str]],
    request: pytest.FixtureRequest,
) -> None:
    count = tally(request)
    case = draw_case(data, operation, known_ids(operation.path, seeded))
    await send_as_every_role(client, case, role_headers(SUBJECTS), count)
