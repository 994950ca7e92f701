"""Reports through GraphQL against report-svc running in-process on the real database, role by role: a
participant reads only their own released reports, a facilitator only those of participants booked with
them, and group reports go to academy administrators of the region, with a typed refusal for a group too
small to keep its members anonymous."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import (
    CycleClosedV1,
    CycleOpenedV1,
    EventData,
    QuestionnairePublishedV1,
    ResponseSubmittedV1,
    SessionBookedV1,
)
from hlm_contracts.enums import RaterGroup
from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders

CLOSED_AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

REPORTS = """
query ($first: Int!, $after: String) {
  reports(first: $first, after: $after) {
    edges { cursor node { id cycleId participantId state status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
REPORT = "query ($id: ID!) { report(id: $id) { id participantId status content } }"
RELEASE = "mutation ($id: ID!) { releaseReport(id: $id) { id status } }"
REPORTS_WITH_CONTENT = """
query { reports(first: 10) { edges { node { id status ... on Report { content } } } } }
"""
GROUP_REPORT = """
query ($scope: GroupScope!, $value: String!, $questionnaireId: ID!, $closedTo: DateTime) {
  groupReport(scope: $scope, value: $value, questionnaireId: $questionnaireId, closedTo: $closedTo) {
    __typename
    ... on GroupReport { id scope scopeValue participantCount content }
    ... on GroupTooSmall { reason message }
  }
}
"""
ISSUED = "query ($id: ID!) { issuedGroupReport(id: $id) { id participantCount } }"


# ---- a world of reports, as report-svc builds them from the event stream ------------------------------


def questionnaire(questionnaire_id: uuid.UUID) -> QuestionnairePublishedV1:
    dimensions = [("care", "Leading with care"), ("vision", "Sharing the vision")]
    return QuestionnairePublishedV1(
        questionnaire_id=questionnaire_id,
        key=f"q-{questionnaire_id.hex[:8]}",
        version=1,
        name="Gateway 360",
        purpose="feedback_360",
        framework_key="hlm",
        framework_version=1,
        instructions="Rate what you have seen.",
        dimensions=[{"key": key, "name": name, "position": n} for n, (key, name) in enumerate(dimensions, 1)],
        items=[
            {"key": f"{key}{i}", "dimension_key": key, "text": f"Statement {i} on {name}.", "position": 2 * d + i}
            for d, (key, name) in enumerate(dimensions)
            for i in (1, 2)
        ],
        performance_scale=[{"value": v, "label": label} for v, label in enumerate(["E", "P", "S", "X"], 1)],
        not_observed_label="Not observed",
        importance_scale=[{"value": v, "label": str(v)} for v in range(1, 5)],
        importance_questions=[{"dimension_key": key, "text": f"How important is {name}?"} for key, name in dimensions],
        published_at=CLOSED_AT - timedelta(days=60),
    )


def cycle_events(
    *,
    participant_id: str,
    questionnaire_id: uuid.UUID,
    organisation: str,
    region: str,
    team_cycle_id: uuid.UUID | None,
    release_mode: str,
) -> tuple[uuid.UUID, list[EventData]]:
    """A closed 360 with enough responses for a report: self, a line manager and three peers."""
    cycle_id = uuid.uuid4()
    groups = [RaterGroup.SELF, RaterGroup.LINE_MANAGER, RaterGroup.PEER, RaterGroup.PEER, RaterGroup.PEER]
    responses = [
        ResponseSubmittedV1(
            cycle_id=cycle_id,
            response_id=uuid.uuid4(),
            rater_group=group,
            answers=[{"item_key": item, "level": 1 + (n + i) % 4} for i, item in enumerate(("care1", "care2"))]
            + [{"item_key": item, "level": 1 + (n * i) % 4} for i, item in enumerate(("vision1", "vision2"))],
            importance=[{"dimension_key": "care", "rating": 3}, {"dimension_key": "vision", "rating": 2}],
            comments=[],
            submitted_at=CLOSED_AT - timedelta(hours=1),
        )
        for n, group in enumerate(groups)
    ]
    counts = {RaterGroup.SELF: 1, RaterGroup.LINE_MANAGER: 1, RaterGroup.PEER: 3}
    return cycle_id, [
        CycleOpenedV1(
            cycle_id=cycle_id,
            kind="feedback_360",
            participant_id=participant_id,
            organisation=organisation,
            region=region,
            questionnaire_id=questionnaire_id,
            closes_at=CLOSED_AT,
            release_mode=release_mode,
            team_cycle_id=team_cycle_id,
        ),
        *responses,
        CycleClosedV1(
            cycle_id=cycle_id, participant_id=participant_id, invited=counts, submitted=counts, closed_at=CLOSED_AT
        ),
    ]


def report_id_of(cycle_id: uuid.UUID) -> str:
    from report_svc.reports.service import report_id_of

    return str(report_id_of(cycle_id))


@dataclass(frozen=True)
class World:
    region: str
    questionnaire_id: str
    team: str  # a team 360 of six participants
    small_team: str  # a team 360 of four
    participants: list[str]  # of the team; the first one's report is coached and awaits release
    reports: list[str]  # one per participant of the team, in the same order
    second_own: list[str]  # two more reports of participants[1], outside the team
    facilitator: str  # the `sub` of the facilitator booked with participants[0] for their team cycle
    register_id: str  # that facilitator's id in the register, which is not an identity


async def apply(report_database_url: str, events: list[EventData]) -> None:
    """The events, applied through report-svc's own event handlers, one transaction each."""
    from report_svc import consumers

    engine = create_engine(report_database_url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            for event in events:
                await consumers.HANDLERS[type(event)](session, event, CloudEvent.wrap(event))
                await session.commit()
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def world(journey_database_urls: dict[str, str]) -> World:
    """Reports of one region of this test alone, applied through report-svc's own event handlers."""
    tag = uuid.uuid4().hex[:8]
    organisation, region = f"ORG{tag}", f"region-{tag}"
    questionnaire_id, team, small_team = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    participants = [f"gateway-reader-{n}-{tag}" for n in range(6)]
    facilitator, register_id = f"gateway-facilitator-{tag}", uuid.uuid4()

    events: list[EventData] = [questionnaire(questionnaire_id)]
    cycles: list[uuid.UUID] = []

    def add(participant_id: str, team_cycle_id: uuid.UUID | None, release_mode: str = "direct") -> uuid.UUID:
        cycle_id, cycle = cycle_events(
            participant_id=participant_id,
            questionnaire_id=questionnaire_id,
            organisation=organisation,
            region=region,
            team_cycle_id=team_cycle_id,
            release_mode=release_mode,
        )
        events.extend(cycle)
        return cycle_id

    for n, participant in enumerate(participants):
        cycles.append(add(participant, team, "coached" if n == 0 else "direct"))
    second_own = [add(participants[1], None), add(participants[1], None)]
    for n in range(4):
        add(f"gateway-small-{n}-{tag}", small_team)
    events.append(
        SessionBookedV1(
            booking_id=uuid.uuid4(),
            facilitator_id=register_id,
            facilitator_subject=facilitator,
            participant_id=participants[0],
            cycle_id=cycles[0],
            starts_at=CLOSED_AT + timedelta(days=3),
            ends_at=CLOSED_AT + timedelta(days=3, hours=1),
        )
    )

    await apply(journey_database_urls["report"], events)
    return World(
        region=region,
        questionnaire_id=str(questionnaire_id),
        team=str(team),
        small_team=str(small_team),
        participants=participants,
        reports=[report_id_of(c) for c in cycles],
        second_own=[report_id_of(c) for c in second_own],
        facilitator=facilitator,
        register_id=str(register_id),
    )


async def ask(gateway: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any) -> dict[str, Any]:
    response = await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def reported(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in body["data"]["reports"]["edges"]]


# ---- individual reports -------------------------------------------------------------------------------


async def test_a_participant_reads_their_own_released_reports_a_page_at_a_time_and_no_one_elses(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=world.participants[1])
    own = {world.reports[1], *world.second_own}

    async with gateway_with(journey_services) as gateway:
        first = await ask(gateway, owner, REPORTS, first=2)
        page = first["data"]["reports"]
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        rest = await ask(gateway, owner, REPORTS, first=2, after=page["pageInfo"]["endCursor"])
        one = await ask(gateway, owner, REPORT, id=world.reports[1])
        someone_elses = await ask(gateway, owner, REPORT, id=world.reports[2])
        bad_cursor = await ask(gateway, owner, REPORTS, first=2, after=world.reports[2])

    assert "errors" not in first
    assert "errors" not in rest
    assert rest["data"]["reports"]["pageInfo"] == {"hasNextPage": False, "endCursor": reported(rest)[-1]}
    assert len(reported(first)) == 2
    assert len(reported(rest)) == 1
    assert set(reported(first) + reported(rest)) == own
    nodes = [edge["node"] for edge in page["edges"]] + [edge["node"] for edge in rest["data"]["reports"]["edges"]]
    assert {(n["participantId"], n["state"], n["status"]) for n in nodes} == {
        (world.participants[1], "ready", "released")
    }

    assert one["data"]["report"]["id"] == world.reports[1]
    assert one["data"]["report"]["content"]["state"] == "ready"
    # Another participant's report answers as if it did not exist.
    assert someone_elses["data"]["report"] is None
    assert codes(someone_elses) == ["NOT_FOUND"]
    assert bad_cursor["data"]["reports"] is None
    assert codes(bad_cursor) == ["BAD_USER_INPUT"]


async def test_reports_are_read_whole_from_report_svc_only_for_a_query_that_reads_their_content(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=world.participants[1])
    report = journey_services["report"]

    async with gateway_with(journey_services) as gateway:
        report.queries.clear()
        listed = await ask(gateway, owner, REPORTS, first=10)
        listed_calls = dict(report.queries)
        report.queries.clear()
        whole = await ask(gateway, owner, REPORTS_WITH_CONTENT)
        whole_calls = dict(report.queries)

    assert "errors" not in listed, listed
    assert "errors" not in whole, whole
    assert listed_calls == {("GET", "/v1/reports", "view=summary"): 1}
    assert whole_calls == {("GET", "/v1/reports", ""): 1}
    # The same reports either way, by the same rules; with their content only when it was asked for.
    assert set(reported(listed)) == set(reported(whole)) == {world.reports[1], *world.second_own}
    assert all(edge["node"]["content"]["state"] == "ready" for edge in whole["data"]["reports"]["edges"])


async def test_a_coached_report_waits_for_the_booked_facilitator_who_alone_may_read_and_release_it(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=world.participants[0])
    facilitator = auth("facilitator", sub=world.facilitator)
    other_facilitator = auth("facilitator", sub=str(uuid.uuid4()))
    by_register_id = auth("facilitator", sub=world.register_id)
    coached = world.reports[0]

    async with gateway_with(journey_services) as gateway:
        waiting = await ask(gateway, participant, REPORT, id=coached)
        not_listed = await ask(gateway, participant, REPORTS, first=10)

        facilitated = await ask(gateway, facilitator, REPORTS, first=10)
        read_by_facilitator = await ask(gateway, facilitator, REPORT, id=coached)
        not_their_participant = await ask(gateway, facilitator, REPORT, id=world.reports[1])
        stranger = await ask(gateway, other_facilitator, REPORT, id=coached)
        stranger_list = await ask(gateway, other_facilitator, REPORTS, first=10)
        stranger_release = await ask(gateway, other_facilitator, RELEASE, id=coached)
        register_id_list = await ask(gateway, by_register_id, REPORTS, first=10)
        register_id_read = await ask(gateway, by_register_id, REPORT, id=coached)

        released = await ask(gateway, facilitator, RELEASE, id=coached)
        after_release = await ask(gateway, participant, REPORT, id=coached)

    # Before release the participant is told it waits (FORBIDDEN), and it is not in their list.
    assert waiting["data"]["report"] is None
    assert codes(waiting) == ["FORBIDDEN"]
    assert "facilitator" in waiting["errors"][0]["message"]
    assert reported(not_listed) == []

    # The booked facilitator sees that participant's report only: not the rest of the team's.
    assert reported(facilitated) == [coached]
    assert facilitated["data"]["reports"]["edges"][0]["node"]["status"] == "awaiting_release"
    assert read_by_facilitator["data"]["report"]["participantId"] == world.participants[0]
    assert codes(not_their_participant) == ["NOT_FOUND"]

    # A facilitator without the booking reads nothing and releases nothing.
    assert codes(stranger) == ["NOT_FOUND"]
    assert reported(stranger_list) == []
    assert codes(stranger_release) == ["NOT_FOUND"]
    # Nor does a token whose subject is the facilitator's register id: only their account's is theirs.
    assert reported(register_id_list) == []
    assert codes(register_id_read) == ["NOT_FOUND"]

    assert released["data"]["releaseReport"] == {"id": coached, "status": "released"}
    assert after_release["data"]["report"]["status"] == "released"


# ---- group reports ------------------------------------------------------------------------------------


async def test_an_academy_admin_gets_the_group_report_of_a_team_in_their_region(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    admin = auth("academy_admin", sub="gateway-admin", region=world.region)
    variables = {"scope": "TEAM", "value": world.team, "questionnaireId": world.questionnaire_id}

    async with gateway_with(journey_services) as gateway:
        issued = await ask(gateway, admin, GROUP_REPORT, **variables)
        again = await ask(gateway, admin, GROUP_REPORT, **variables)
        fetched = await ask(gateway, admin, ISSUED, id=issued["data"]["groupReport"]["id"])
        other_admin = await ask(
            gateway,
            auth("academy_admin", sub="admin-elsewhere", region="elsewhere"),
            ISSUED,
            id=issued["data"]["groupReport"]["id"],
        )

    assert "errors" not in issued, issued
    report = issued["data"]["groupReport"]
    assert report["__typename"] == "GroupReport"
    assert (report["scope"], report["scopeValue"], report["participantCount"]) == ("TEAM", world.team, 6)
    assert report["content"]["participants"] == 6
    assert [d["key"] for d in report["content"]["dimensions"]] == ["care", "vision"]
    # The same people asked for again get the same report, not a second one.
    assert again["data"]["groupReport"]["id"] == report["id"]
    assert fetched["data"]["issuedGroupReport"] == {"id": report["id"], "participantCount": 6}
    assert other_admin["data"]["issuedGroupReport"] is None
    assert codes(other_admin) == ["NOT_FOUND"]


async def test_a_group_too_small_is_a_typed_refusal_and_others_are_refused_outright(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    admin = auth("academy_admin", sub="gateway-admin", region=world.region)
    small = {"scope": "TEAM", "value": world.small_team, "questionnaireId": world.questionnaire_id}
    team = {"scope": "TEAM", "value": world.team, "questionnaireId": world.questionnaire_id}

    async with gateway_with(journey_services) as gateway:
        too_small = await ask(gateway, admin, GROUP_REPORT, **small)
        participant = await ask(gateway, auth("participant", sub=world.participants[1]), GROUP_REPORT, **team)
        facilitator = await ask(gateway, auth("facilitator", sub=world.facilitator), GROUP_REPORT, **team)
        admin_elsewhere = await ask(
            gateway, auth("academy_admin", sub="admin-elsewhere", region="elsewhere"), GROUP_REPORT, **team
        )
        other_region = await ask(
            gateway, admin, GROUP_REPORT, scope="REGION", value="elsewhere", questionnaireId=world.questionnaire_id
        )
        not_a_team = await ask(gateway, admin, GROUP_REPORT, **{**team, "value": "not-a-uuid"})

    assert "errors" not in too_small, too_small
    assert too_small["data"]["groupReport"] == {
        "__typename": "GroupTooSmall",
        "reason": "TOO_FEW",
        "message": "a group report needs at least 5 participants; 4 match",
    }
    # Individuals' roles are refused; an admin elsewhere cannot even learn that the team exists.
    assert codes(participant) == ["FORBIDDEN"]
    assert participant["data"]["groupReport"] is None
    assert codes(facilitator) == ["FORBIDDEN"]
    assert codes(admin_elsewhere) == ["NOT_FOUND"]
    assert codes(other_region) == ["FORBIDDEN"]
    assert codes(not_a_team) == ["BAD_USER_INPUT"]


async def test_a_group_one_person_short_of_an_issued_report_is_refused_as_too_close_not_as_too_few(
    gateway_with: Any,
    journey_services: dict[str, Any],
    journey_database_urls: dict[str, str],
    world: World,
    auth: AuthHeaders,
) -> None:
    # A seventh member of the team, whose cycle closed a day after the others'.
    _, late = cycle_events(
        participant_id=f"gateway-late-{uuid.uuid4().hex[:8]}",
        questionnaire_id=uuid.UUID(world.questionnaire_id),
        organisation="ORG-LATE",
        region=world.region,
        team_cycle_id=uuid.UUID(world.team),
        release_mode="direct",
    )
    a_day_later = CLOSED_AT + timedelta(days=1)
    await apply(
        journey_database_urls["report"],
        [e.model_copy(update={"closed_at": a_day_later}) if isinstance(e, CycleClosedV1) else e for e in late],
    )
    admin = auth("academy_admin", sub="gateway-admin", region=world.region)
    team = {"scope": "TEAM", "value": world.team, "questionnaireId": world.questionnaire_id}

    async with gateway_with(journey_services) as gateway:
        all_seven = await ask(gateway, admin, GROUP_REPORT, **team)
        # The same team without its last member, by narrowing the period: six participants, enough for a
        # group report, but one apart from the issued one, so subtracting the two would expose that one.
        six_of_them = await ask(gateway, admin, GROUP_REPORT, **team, closedTo=CLOSED_AT.isoformat())

    assert "errors" not in all_seven, all_seven
    assert all_seven["data"]["groupReport"]["participantCount"] == 7
    assert "errors" not in six_of_them, six_of_them
    refused = six_of_them["data"]["groupReport"]
    assert (refused["__typename"], refused["reason"]) == ("GroupTooSmall", "TOO_CLOSE_TO_ISSUED")
    assert "differ from those of a group report already issued by 1" in refused["message"]


# ---- reports as files, for browser clients ------------------------------------------------------------

REPORT_PDF_URL = "query ($id: ID!) { report(id: $id) { id pdfUrl } }"


async def test_a_participant_downloads_their_released_report_as_pdf_from_the_url_graphql_gives(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    owner = auth("participant", sub=world.participants[1])

    async with gateway_with(journey_services) as gateway:
        found = await ask(gateway, owner, REPORT_PDF_URL, id=world.reports[1])
        url = found["data"]["report"]["pdfUrl"]
        response = await gateway.get(url, headers=owner)

    assert url == f"/reports/{world.reports[1]}.pdf"
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.reports[1] in response.headers["content-disposition"]
    assert ".pdf" in response.headers["content-disposition"]
    # Personal data: never kept by a shared cache on the way.
    assert "no-store" in response.headers["cache-control"] or "private" in response.headers["cache-control"]


async def test_a_report_pdf_is_refused_as_report_svc_refuses_it_with_a_problem_document(
    gateway_with: Any, journey_services: dict[str, Any], world: World, auth: AuthHeaders
) -> None:
    another_participant = auth("participant", sub=world.participants[2])
    coached_owner = auth("participant", sub=world.participants[0])
    owner = auth("participant", sub=world.participants[1])

    async with gateway_with(journey_services) as gateway:
        someone_elses = await gateway.get(f"/reports/{world.reports[1]}.pdf", headers=another_participant)
        not_yet_released = await gateway.get(f"/reports/{world.reports[0]}.pdf", headers=coached_owner)
        anonymous = await gateway.get(f"/reports/{world.reports[1]}.pdf")
        bad_token = await gateway.get(f"/reports/{world.reports[1]}.pdf", headers={"Authorization": "Bearer nope"})
        bad_id = await gateway.get("/reports/not-a-report.pdf", headers=owner)
        unknown = await gateway.get(f"/reports/{uuid.uuid4()}.pdf", headers=owner)

    # Another participant's report is not revealed to exist; a coached one waits for its release.
    assert someone_elses.status_code == 404
    assert not_yet_released.status_code == 403
    assert anonymous.status_code == 401
    assert bad_token.status_code == 401
    assert bad_id.status_code in {400, 422}
    assert unknown.status_code == 404
    for refused in (someone_elses, not_yet_released, anonymous, bad_token, bad_id, unknown):
        assert refused.headers["content-type"] == "application/problem+json", refused.text
        assert refused.json()["status"] == refused.status_code
        assert b"%PDF" not in refused.content
