"""Who may call what, as a matrix of role x endpoint over every route of the service.

Roles: no token, the participant who owns the data, another participant, a facilitator, a partner, an
academy admin of the owner's region and an academy admin of another region. Someone else's cycle,
observation or goal answers 404 (its existence is not theirs to know), and so does, to an admin, a cycle,
team 360 or participant outside their region; a role that may not use an endpoint at all gets 403; a call
without a token gets 401. Rater endpoints take the invitation token alone, whoever calls. A refused call
stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from hlm_kit.testing.pytest_plugin import AuthHeaders, wait_for
from survey_svc.config import Settings
from survey_svc.main import create_app

OWNER = "participant-1"
REGION = "london"  # the owner's, so their cycles' (auth's default)
ROLES = ["anonymous", "owner", "other_participant", "facilitator", "partner", "academy_admin", "other_region_admin"]
LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    path: str  # with {placeholders} filled from the world the test builds
    access: str
    ok: int
    body: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


def _answers(world: dict[str, Any]) -> dict[str, Any]:
    return world["full_answers"](world["hlm_360"])


ENDPOINTS = [
    Endpoint("GET", "/health/live", "/health/live", "public", 200),
    Endpoint("GET", "/health/ready", "/health/ready", "public", 200),
    Endpoint("GET", "/metrics", "/metrics", "public", 200),
    Endpoint("POST", "/v1/cycles", "/v1/cycles", "participant", 201, "new_cycle"),
    Endpoint("GET", "/v1/cycles", "/v1/cycles", "participant_or_admin", 200),
    Endpoint("GET", "/v1/cycles/{id}", "/v1/cycles/{open_cycle}", "owner_or_admin", 200),
    Endpoint("GET", "/v1/cycles/{id}/self", "/v1/cycles/{open_cycle}/self", "owner", 200),
    Endpoint("PUT", "/v1/cycles/{id}/self", "/v1/cycles/{open_cycle}/self", "owner", 200, {}),
    Endpoint(
        "POST", "/v1/cycles/{id}/self/submit", "/v1/cycles/{open_cycle}/self/submit", "owner", 201, "self_answers"
    ),
    Endpoint("POST", "/v1/cycles/{id}/raters", "/v1/cycles/{open_cycle}/raters", "owner", 201, "one_rater"),
    Endpoint("GET", "/v1/cycles/{id}/raters", "/v1/cycles/{open_cycle}/raters", "owner", 200),
    Endpoint("DELETE", "/v1/cycles/{id}/raters/{rater_id}", "/v1/cycles/{open_cycle}/raters/{rater_id}", "owner", 204),
    Endpoint("POST", "/v1/cycles/{id}/open", "/v1/cycles/{draft_cycle}/open", "owner", 200, {"closes_at": LATER}),
    Endpoint("POST", "/v1/cycles/{id}/reminders", "/v1/cycles/{open_cycle}/reminders", "owner", 202),
    Endpoint(
        "POST", "/v1/cycles/{id}/extend", "/v1/cycles/{open_cycle}/extend", "owner_or_admin", 200, {"closes_at": LATER}
    ),
    # Allowed, but refused by its rule: nobody has answered yet (closing early is tested on its own).
    Endpoint("POST", "/v1/cycles/{id}/close", "/v1/cycles/{open_cycle}/close", "owner", 409),
    Endpoint("POST", "/v1/cycles/{id}/convert", "/v1/cycles/{self_cycle}/convert", "owner", 200, "convert"),
    Endpoint("POST", "/v1/team-cycles", "/v1/team-cycles", "participant_or_admin", 201, {"name": "Ward 9"}),
    Endpoint("GET", "/v1/team-cycles/{id}", "/v1/team-cycles/{team}", "owner_or_admin", 200),
    Endpoint("GET", "/v1/invitations/{token}", "/v1/invitations/{token}", "token", 200),
    Endpoint("PUT", "/v1/invitations/{token}/draft", "/v1/invitations/{token}/draft", "token", 200, {}),
    Endpoint(
        "PUT",
        "/v1/invitations/{token}/draft/{dimension_key}",
        "/v1/invitations/{token}/draft/leading_with_care",
        "token",
        200,
        {},
    ),
    Endpoint("POST", "/v1/invitations/{token}/submit", "/v1/invitations/{token}/submit", "token", 201, "answers"),
    # Allowed, but refused by its rule: the stored draft answers nothing yet (a whole draft sent is tested on its own).
    Endpoint("POST", "/v1/invitations/{token}/draft/submit", "/v1/invitations/{token}/draft/submit", "token", 422),
    Endpoint("POST", "/v1/invitations/{token}/decline", "/v1/invitations/{token}/decline", "token", 204),
    Endpoint("POST", "/v1/invitations/{token}/approve", "/v1/invitations/{approval_token}/approve", "token", 200),
    Endpoint("POST", "/v1/invitations/{token}/reject", "/v1/invitations/{approval_token}/reject", "token", 204, {}),
    Endpoint("GET", "/v1/questionnaires", "/v1/questionnaires", "signed_in", 200),
    Endpoint("GET", "/v1/questionnaires/{id}", "/v1/questionnaires/{questionnaire}", "signed_in", 200),
    Endpoint("POST", "/v1/observations", "/v1/observations", "signed_in", 201, "observation"),
    Endpoint("GET", "/v1/observations", "/v1/observations", "signed_in", 200),
    Endpoint("GET", "/v1/observations/summary.pdf", "/v1/observations/summary.pdf", "signed_in", 200),
    Endpoint("GET", "/v1/observations/{id}", "/v1/observations/{observation}", "author", 200),
    Endpoint("PATCH", "/v1/observations/{id}", "/v1/observations/{observation}", "author", 200, {"reflection": "x"}),
    Endpoint("DELETE", "/v1/observations/{id}", "/v1/observations/{observation}", "author", 204),
    Endpoint("POST", "/v1/goals", "/v1/goals", "signed_in", 201, {"title": "Ask for feedback weekly"}),
    Endpoint("GET", "/v1/goals", "/v1/goals", "signed_in", 200),
    Endpoint("GET", "/v1/goals/{id}", "/v1/goals/{goal}", "author", 200),
    Endpoint("PATCH", "/v1/goals/{id}", "/v1/goals/{goal}", "author", 200, {"status": "achieved"}),
    Endpoint("DELETE", "/v1/goals/{id}", "/v1/goals/{goal}", "author", 204),
    Endpoint(
        "PUT", "/v1/goals/{id}/resources/{resource_key}", "/v1/goals/{goal}/resources/{resource_key}", "author", 200
    ),
    Endpoint(
        "DELETE",
        "/v1/goals/{id}/resources/{resource_key}",
        "/v1/goals/{goal}/resources/{saved_resource_key}",
        "author",
        204,
    ),
    Endpoint("DELETE", "/v1/participants/{participant_id}", "/v1/participants/{participant}", "self_or_admin", 204),
]


def expected(endpoint: Endpoint, role: str) -> int:
    if endpoint.access in ("public", "token"):
        return endpoint.ok
    if role == "anonymous":
        return 401
    if endpoint.access == "signed_in" or (endpoint.access == "author" and role == "owner"):
        return endpoint.ok
    if endpoint.access == "author":
        return 404
    # An admin of another region meets the owner's data as if it did not exist.
    if endpoint.access == "self_or_admin":
        return endpoint.ok if role in ("owner", "academy_admin") else (404 if role == "other_region_admin" else 403)
    participant_like = role in ("owner", "other_participant")
    if endpoint.access == "participant":
        return endpoint.ok if participant_like else 403
    if endpoint.access == "participant_or_admin":
        return endpoint.ok if participant_like or role in ("academy_admin", "other_region_admin") else 403
    if endpoint.access == "owner":
        return endpoint.ok if role == "owner" else (404 if role == "other_participant" else 403)
    if endpoint.access == "owner_or_admin":
        if role in ("owner", "academy_admin"):
            return endpoint.ok
        return 404 if role in ("other_participant", "other_region_admin") else 403
    raise AssertionError(endpoint.access)


def headers_for(auth: AuthHeaders, role: str) -> dict[str, str]:
    return {
        "anonymous": {},
        "owner": auth("participant", sub=OWNER, region=REGION),
        "other_participant": auth("participant", sub="participant-2"),
        "facilitator": auth("facilitator", sub="facilitator-1"),
        "partner": auth("partner", sub="partner-1"),
        "academy_admin": auth("academy_admin", sub="admin-1", region=REGION),
        "other_region_admin": auth("academy_admin", sub="admin-2", region="leeds"),
    }[role]


async def build(
    endpoint: Endpoint, survey: Any, client: httpx.AsyncClient, full_answers: Any, publish_resources: Any
) -> dict[str, Any]:
    """Only what ``endpoint`` needs, made by the owner."""
    me = survey.participant
    world: dict[str, Any] = {"full_answers": full_answers, "hlm_360": survey.hlm_360}
    needed = endpoint.path + str(endpoint.body)
    if "{open_cycle}" in needed or "{token}" in needed or "{rater_id}" in needed:
        cycle, raters = await survey.open_360()
        world["open_cycle"] = cycle["id"]
        if "{token}" in needed:
            world["token"] = (await survey.tokens(raters[1:2]))[raters[1]["email"]]
        listed = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=me)).json()["items"]
        world["rater_id"] = listed[0]["id"]
    if "{draft_cycle}" in needed:
        cycle = await survey.create()
        await survey.nominate(cycle["id"], survey.raters())
        world["draft_cycle"] = cycle["id"]
    if "{approval_token}" in needed:
        cycle = await survey.create(requires_approval=True)
        raters = survey.raters()
        await survey.nominate(cycle["id"], raters)
        await survey.open(cycle["id"])
        world["approval_token"] = (await survey.tokens(raters[:1]))[raters[0]["email"]]
    if "{self_cycle}" in needed:
        world["self_cycle"] = (
            await survey.create(
                kind="self_assessment",
                questionnaire_id=str(survey.hlm_self.questionnaire_id),
                self_questionnaire_id=None,
            )
        )["id"]
    if "{team}" in needed:
        world["team"] = (await client.post("/v1/team-cycles", json={"name": "Ward 7"}, headers=me)).json()["id"]
    if "{observation}" in needed:
        world["observation"] = (await client.post("/v1/observations", json=_observation(), headers=me)).json()["id"]
    if "{participant}" in needed:
        # An admin erases only a participant with a cycle in the admin's region.
        await survey.create()
        world["participant"] = OWNER
    if "{goal}" in needed:
        world["goal"] = (await client.post("/v1/goals", json={"title": "Coach one person"}, headers=me)).json()["id"]
    if "resource_key}" in needed:
        await publish_resources(("team-talks", "engaging_the_team"), ("saved-reading", "engaging_the_team"))
        world["resource_key"] = "team-talks"
        world["saved_resource_key"] = "saved-reading"
        saved = await client.put(f"/v1/goals/{world['goal']}/resources/saved-reading", headers=me)
        assert saved.status_code == 200, saved.text
    world["questionnaire"] = str(survey.hlm_360.questionnaire_id)
    return world


def _observation() -> dict[str, Any]:
    return {
        "observed_on": date.today().isoformat(),
        "context": "Morning handover on ward 7",
        "what_happened": "The charge nurse asked the newest member of staff to lead the safety huddle.",
        "dimension_keys": ["developing_capability", "engaging_the_team"],
    }


def body_of(endpoint: Endpoint, survey: Any, world: dict[str, Any]) -> Any:
    named = {
        "new_cycle": {
            "kind": "feedback_360",
            "questionnaire_id": str(survey.hlm_360.questionnaire_id),
            "participant_name": "Alex Morgan",
        },
        "self_answers": world["full_answers"](survey.hlm_self),
        "answers": world["full_answers"](survey.hlm_360),
        "one_rater": {"raters": [{"name": "Olu", "email": "olu@trust.example.org", "rater_group": "other"}]},
        "convert": {"questionnaire_id": str(survey.hlm_360.questionnaire_id)},
        "observation": _observation(),
    }
    return named.get(endpoint.body, endpoint.body) if isinstance(endpoint.body, str) else endpoint.body


def test_the_matrix_covers_every_endpoint_of_the_service(settings: Settings) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in create_app(settings).openapi()["paths"].items()
        for method in operations
    }
    assert documented == {(e.method, e.route) for e in ENDPOINTS if e.access != "public"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
async def test_role_by_endpoint(
    client: httpx.AsyncClient,
    survey: Any,
    auth: AuthHeaders,
    full_answers: Any,
    stored_state: Any,
    assert_problem: Any,
    publish_resources: Any,
    endpoint: Endpoint,
    role: str,
) -> None:
    world = await build(endpoint, survey, client, full_answers, publish_resources)
    want = expected(endpoint, role)
    before = await stored_state()

    async def call() -> httpx.Response:
        return await client.request(
            endpoint.method,
            endpoint.path.format(**world),
            headers=headers_for(auth, role),
            json=body_of(endpoint, survey, world),
        )

    if endpoint.route == "/health/ready":
        response = await wait_for(lambda: _when(call(), want))
    else:
        response = await call()

    if want in (401, 403, 404):
        problem = assert_problem(response, want)
        assert problem["type"].rsplit("/", 1)[-1] in ("unauthenticated", "forbidden") or want == 404
        assert await stored_state() == before
    else:
        assert response.status_code == want, response.text


async def _when(response: Any, status: int) -> httpx.Response | None:
    answered: httpx.Response = await response
    return answered if answered.status_code == status else None


async def test_a_rater_token_opens_only_its_own_questionnaire(survey: Any, client: httpx.AsyncClient) -> None:
    _first, first_raters = await survey.open_360(participant_name="Alex Morgan")
    _second, second_raters = await survey.open_360(participant_name="Jo Patel")
    first_token = (await survey.tokens(first_raters[:1]))[first_raters[0]["email"]]
    second_token = (await survey.tokens(second_raters[:1]))[second_raters[0]["email"]]

    assert (await client.get(f"/v1/invitations/{first_token}")).json()["participant_name"] == "Alex Morgan"
    assert (await client.get(f"/v1/invitations/{second_token}")).json()["participant_name"] == "Jo Patel"
