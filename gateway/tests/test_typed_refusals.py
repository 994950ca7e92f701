"""The cycle's and the report's writes answer every expected refusal as a typed result (createCycleV2,
nominateRatersV2, removeRaterV2, sendRemindersV2, extendCycleV2, closeCycleV2, releaseReportV2), against
survey-svc and report-svc running in-process on the real database; the fields they replace still answer
as before, with the refusal as an error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import CycleClosedV1, EventData, ReportReleasedV1, ResponseSubmittedV1, SessionBookedV1
from hlm_contracts.enums import RaterGroup
from hlm_kit.db import create_engine
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import AuthHeaders

from .test_cycles import HLM_SELF, a_360, answer, call, codes, graphql, open_cycle, raters
from .test_reports import CLOSED_AT, apply, cycle_events, questionnaire, report_id_of

REFUSED = "... on CycleRefused { message code problems { location message type } }"
CREATE = f"""
mutation ($input: CreateCycleInput!, $key: String) {{
  createCycleV2(input: $input, idempotencyKey: $key) {{ __typename ... on Cycle {{ id status }} {REFUSED} }}
}}
"""
NOMINATE = f"""
mutation ($cycleId: ID!, $raters: [RaterInput!]!) {{
  nominateRatersV2(cycleId: $cycleId, raters: $raters) {{
    __typename ... on RatersNominated {{ nominations {{ id name raterGroup }} }} {REFUSED}
  }}
}}
"""
REMOVE = f"""
mutation ($cycleId: ID!, $raterId: ID!) {{
  removeRaterV2(cycleId: $cycleId, raterId: $raterId) {{ __typename ... on RaterRemoved {{ raterId }} {REFUSED} }}
}}
"""
REMIND = f"""
mutation ($cycleId: ID!) {{
  sendRemindersV2(cycleId: $cycleId) {{ __typename ... on RemindersSent {{ reminded }} {REFUSED} }}
}}
"""
EXTEND = f"""
mutation ($cycleId: ID!, $closesAt: DateTime!) {{
  extendCycleV2(cycleId: $cycleId, closesAt: $closesAt) {{ __typename ... on Cycle {{ id closesAt }} {REFUSED} }}
}}
"""
CLOSE = f"""
mutation ($cycleId: ID!) {{
  closeCycleV2(cycleId: $cycleId) {{ __typename ... on Cycle {{ id status minimumsMet }} {REFUSED} }}
}}
"""
RELEASE = """
mutation ($id: ID!) {
  releaseReportV2(id: $id) {
    __typename
    ... on Report { id status }
    ... on ReportReleaseRefused { message code problems { location } }
  }
}
"""
OLD_CREATE = "mutation ($input: CreateCycleInput!) { createCycle(input: $input) { id status } }"
OLD_NOMINATE = """
mutation ($cycleId: ID!, $raters: [RaterInput!]!) { nominateRaters(cycleId: $cycleId, raters: $raters) { id } }
"""
OPEN = """
mutation ($cycleId: ID!, $closesAt: DateTime!) {
  openCycle(cycleId: $cycleId, closesAt: $closesAt) { __typename ... on Cycle { status } }
}
"""
CYCLE = "query ($id: ID!) { cycle(id: $id) { status closesAt raters { id name } } }"
DEPRECATED = """
{ __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }
"""


def refusal(result: dict[str, Any]) -> tuple[str, str | None]:
    """A refusal's type name and code; anything else fails the test with what came instead."""
    assert result["__typename"] in ("CycleRefused", "ReportReleaseRefused"), result
    assert result["message"], result
    return result["__typename"], result["code"]


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def a_draft(gateway: httpx.AsyncClient, participant: dict[str, str], **extra: Any) -> str:
    created = (await graphql(gateway, CREATE, participant, input=a_360() | extra))["createCycleV2"]
    assert created["__typename"] == "Cycle", created
    cycle_id: str = created["id"]
    return cycle_id


async def test_create_cycle_v2_answers_the_cycle_or_every_problem_located_in_the_input(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    wrong = a_360() | {"teamCycleId": str(uuid.uuid4()), "thresholds": {"peer": 1}}
    key = str(uuid.uuid4())
    async with gateway_with(journey_services) as gateway:
        created = (await graphql(gateway, CREATE, participant, input=a_360(), key=key))["createCycleV2"]
        refused = (await graphql(gateway, CREATE, participant, input=wrong))["createCycleV2"]
        reused = (await graphql(gateway, CREATE, participant, input=a_360("Someone Else"), key=key))["createCycleV2"]
        cycles = await graphql(gateway, "{ cycles(first: 10) { edges { node { id } } } }", participant)

    assert created == {"__typename": "Cycle", "id": created["id"], "status": "draft"}
    assert refusal(refused) == ("CycleRefused", "validation-error")
    assert sorted((p["location"], p["type"]) for p in refused["problems"]) == [
        (["input", "teamCycleId"], "not_allowed"),
        (["input", "thresholds", "peer"], "below_minimum"),
    ]
    # The same key with another body is refused, and no second cycle is made.
    assert refusal(reused) == ("CycleRefused", "idempotency-key-reused")
    assert [edge["node"]["id"] for edge in cycles["cycles"]["edges"]] == [created["id"]]


async def test_nominate_raters_v2_answers_the_nominations_or_why_they_are_refused(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    self_input = {"kind": "SELF_ASSESSMENT", "questionnaireId": HLM_SELF, "participantName": "Sam Participant"}
    nominated = raters(peers=3)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await a_draft(gateway, participant)
        added = (await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=nominated))["nominateRatersV2"]
        twice = [nominated[0], {**nominated[1], "name": "Another"}, {**nominated[1], "name": "Again"}]
        duplicates = (await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=twice))["nominateRatersV2"]

        self_created = (await graphql(gateway, CREATE, participant, input=self_input))["createCycleV2"]
        on_self = (await graphql(gateway, NOMINATE, participant, cycleId=self_created["id"], raters=raters(1)))[
            "nominateRatersV2"
        ]

        approval_id = await a_draft(gateway, participant, requiresApproval=True)
        await graphql(gateway, NOMINATE, participant, cycleId=approval_id, raters=raters(peers=3))
        opened = await graphql(gateway, OPEN, participant, cycleId=approval_id, closesAt=in_days(14))
        awaiting = (await graphql(gateway, NOMINATE, participant, cycleId=approval_id, raters=raters(1)))[
            "nominateRatersV2"
        ]
        after = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]

    assert added["__typename"] == "RatersNominated"
    assert [(n["name"], n["raterGroup"]) for n in added["nominations"]] == [
        ("Lee Manager", "line_manager"),
        ("Peer 1", "peer"),
        ("Peer 2", "peer"),
        ("Peer 3", "peer"),
    ]
    assert refusal(duplicates) == ("CycleRefused", "validation-error")
    assert [(p["location"], p["type"]) for p in duplicates["problems"]] == [
        (["raters", "0", "email"], "duplicate"),
        (["raters", "1", "email"], "duplicate"),
        (["raters", "2", "email"], "duplicate"),
    ]
    # Nothing of a refused nomination is kept.
    assert sorted(r["id"] for r in after["raters"]) == sorted(n["id"] for n in added["nominations"])
    assert refusal(on_self) == ("CycleRefused", "cycle-state-conflict")
    assert "self-assessment" in on_self["message"]
    assert opened["openCycle"] == {"__typename": "Cycle", "status": "awaiting_approval"}
    assert refusal(awaiting) == ("CycleRefused", "cycle-state-conflict")
    assert "approval" in awaiting["message"]


async def test_remove_rater_v2_answers_the_withdrawn_rater_or_that_the_nominations_await_approval(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await a_draft(gateway, participant)
        await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=raters(peers=3))
        rater_id = (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]["raters"][0]["id"]
        removed = (await graphql(gateway, REMOVE, participant, cycleId=cycle_id, raterId=rater_id))["removeRaterV2"]
        removed_again = await call(gateway, REMOVE, participant, cycleId=cycle_id, raterId=rater_id)

        approval_id = await a_draft(gateway, participant, requiresApproval=True)
        await graphql(gateway, NOMINATE, participant, cycleId=approval_id, raters=raters(peers=3))
        await graphql(gateway, OPEN, participant, cycleId=approval_id, closesAt=in_days(14))
        waiting = (await graphql(gateway, CYCLE, participant, id=approval_id))["cycle"]
        awaiting = (
            await graphql(gateway, REMOVE, participant, cycleId=approval_id, raterId=waiting["raters"][0]["id"])
        )["removeRaterV2"]
        after = (await graphql(gateway, CYCLE, participant, id=approval_id))["cycle"]

    assert removed == {"__typename": "RaterRemoved", "raterId": rater_id}
    # A rater who is not (or no longer) in the cycle is not an expected refusal: it is not found.
    assert removed_again["data"] == {"removeRaterV2": None}
    assert codes(removed_again) == ["NOT_FOUND"]
    assert refusal(awaiting) == ("CycleRefused", "cycle-state-conflict")
    assert after["raters"] == waiting["raters"]


async def test_send_reminders_v2_reminds_the_raters_of_an_open_cycle_and_refuses_a_draft(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await a_draft(gateway, participant)
        await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=raters(peers=3))
        in_draft = (await graphql(gateway, REMIND, participant, cycleId=cycle_id))["sendRemindersV2"]
        await open_cycle(gateway, participant, cycle_id)
        reminded = (await graphql(gateway, REMIND, participant, cycleId=cycle_id))["sendRemindersV2"]

    assert refusal(in_draft) == ("CycleRefused", "cycle-state-conflict")
    assert "draft" in in_draft["message"]
    assert reminded == {"__typename": "RemindersSent", "reminded": 4}


async def test_extend_cycle_v2_moves_the_closing_date_or_says_why_it_cannot(
    gateway_with: Any,
    journey_services: dict[str, Any],
    journey_database_urls: dict[str, str],
    participant_sub: str,
    auth: AuthHeaders,
) -> None:
    participant = auth("participant", sub=participant_sub)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await a_draft(gateway, participant)
        await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=raters(peers=3))
        draft = (await graphql(gateway, EXTEND, participant, cycleId=cycle_id, closesAt=in_days(20)))["extendCycleV2"]
        await open_cycle(gateway, participant, cycle_id)
        closes_at = datetime.fromisoformat(
            (await graphql(gateway, CYCLE, participant, id=cycle_id))["cycle"]["closesAt"]
        )
        earlier = (
            await graphql(
                gateway, EXTEND, participant, cycleId=cycle_id, closesAt=(closes_at - timedelta(days=1)).isoformat()
            )
        )["extendCycleV2"]
        later = closes_at + timedelta(days=7)
        extended = (await graphql(gateway, EXTEND, participant, cycleId=cycle_id, closesAt=later.isoformat()))[
            "extendCycleV2"
        ]
        await released(journey_database_urls["survey"], cycle_id, participant_sub)
        after_release = (await graphql(gateway, EXTEND, participant, cycleId=cycle_id, closesAt=in_days(30)))[
            "extendCycleV2"
        ]

    assert refusal(draft) == ("CycleRefused", "cycle-state-conflict")
    assert refusal(earlier) == ("CycleRefused", "validation-error")
    assert [(p["location"], p["type"]) for p in earlier["problems"]] == [(["closesAt"], "not_later")]
    assert extended["__typename"] == "Cycle"
    assert datetime.fromisoformat(extended["closesAt"]) == later
    assert refusal(after_release) == ("CycleRefused", "report-released")


async def released(survey_database_url: str, cycle_id: str, participant_id: str) -> None:
    """report-svc's release of the cycle's report, as survey-svc's own consumer applies it."""
    from survey_svc.cycles import lifecycle

    event = ReportReleasedV1(
        report_id=uuid.uuid4(),
        cycle_id=uuid.UUID(cycle_id),
        participant_id=participant_id,
        released_to=participant_id,
        released_by="report-svc",
        released_at=datetime.now(UTC),
    )
    engine = create_engine(survey_database_url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await lifecycle.on_report_released(session, event, CloudEvent.wrap(event))
            await session.commit()
    finally:
        await engine.dispose()


async def test_close_cycle_v2_closes_an_open_cycle_once_enough_raters_submitted(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders, rater_tokens: Any
) -> None:
    participant = auth("participant", sub=participant_sub)
    nominated = raters(peers=3)
    async with gateway_with(journey_services) as gateway:
        cycle_id = await a_draft(gateway, participant)
        await graphql(gateway, NOMINATE, participant, cycleId=cycle_id, raters=nominated)
        in_draft = (await graphql(gateway, CLOSE, participant, cycleId=cycle_id))["closeCycleV2"]
        await open_cycle(gateway, participant, cycle_id)
        tokens = await rater_tokens()
        await answer(gateway, tokens[nominated[0]["email"]])
        too_few = (await graphql(gateway, CLOSE, participant, cycleId=cycle_id))["closeCycleV2"]
        for rater in nominated[1:]:
            await answer(gateway, tokens[rater["email"]])
        closed = (await graphql(gateway, CLOSE, participant, cycleId=cycle_id))["closeCycleV2"]

    assert refusal(in_draft) == ("CycleRefused", "cycle-state-conflict")
    assert refusal(too_few) == ("CycleRefused", "minimums-not-met")
    assert too_few["message"] == "1 rater(s) have submitted; at least 4 are needed to close early"
    assert closed == {"__typename": "Cycle", "id": cycle_id, "status": "closed", "minimumsMet": True}


async def test_release_report_v2_releases_a_coached_report_or_says_there_is_nothing_to_release(
    gateway_with: Any, journey_services: dict[str, Any], journey_database_urls: dict[str, str], auth: AuthHeaders
) -> None:
    tag = uuid.uuid4().hex[:8]
    facilitator = f"gateway-releaser-{tag}"
    questionnaire_id = uuid.uuid4()
    events: list[EventData] = [questionnaire(questionnaire_id)]
    reports = []
    for n, enough in enumerate((True, False)):
        participant = f"gateway-released-{n}-{tag}"
        cycle_id, cycle = cycle_events(
            participant_id=participant,
            questionnaire_id=questionnaire_id,
            organisation=f"ORG{tag}",
            region=f"region-{tag}",
            team_cycle_id=None,
            release_mode="coached",
        )
        if not enough:  # only the participant's own answers arrived: no 360 report can be made
            counts = {RaterGroup.SELF: 1}
            opened = cycle[0]
            own = next(e for e in cycle if isinstance(e, ResponseSubmittedV1) and e.rater_group == RaterGroup.SELF)
            closed = CycleClosedV1(
                cycle_id=cycle_id, participant_id=participant, invited=counts, submitted=counts, closed_at=CLOSED_AT
            )
            cycle = [opened, own, closed]
        events += cycle
        events.append(
            SessionBookedV1(
                booking_id=uuid.uuid4(),
                facilitator_id=uuid.uuid4(),
                facilitator_subject=facilitator,
                participant_id=participant,
                cycle_id=cycle_id,
                starts_at=CLOSED_AT + timedelta(days=3),
                ends_at=CLOSED_AT + timedelta(days=3, hours=1),
            )
        )
        reports.append(report_id_of(cycle_id))
    await apply(journey_database_urls["report"], events)
    ready, not_produced = reports

    as_facilitator = auth("facilitator", sub=facilitator)
    async with gateway_with(journey_services) as gateway:
        released = (await graphql(gateway, RELEASE, as_facilitator, id=ready))["releaseReportV2"]
        nothing = (await graphql(gateway, RELEASE, as_facilitator, id=not_produced))["releaseReportV2"]
        stranger = await call(gateway, RELEASE, auth("facilitator", sub=str(uuid.uuid4())), id=ready)

    assert released == {"__typename": "Report", "id": ready, "status": "released"}
    assert refusal(nothing) == ("ReportReleaseRefused", "conflict")
    assert nothing["message"] == "too few responses arrived for a 360 report: there is nothing to release"
    # A report the facilitator may not read is not theirs to know about: not found, as before.
    assert stranger["data"] == {"releaseReportV2": None}
    assert codes(stranger) == ["NOT_FOUND"]


async def test_the_replaced_fields_are_deprecated_and_still_answer_a_refusal_as_an_error(
    gateway_with: Any, journey_services: dict[str, Any], participant_sub: str, auth: AuthHeaders
) -> None:
    participant = auth("participant", sub=participant_sub)
    wrong = a_360() | {"teamCycleId": str(uuid.uuid4())}
    async with gateway_with(journey_services) as gateway:
        fields = (await graphql(gateway, DEPRECATED, participant))["__type"]["fields"]
        old_refused = await call(gateway, OLD_CREATE, participant, input=wrong)
        created = (await graphql(gateway, OLD_CREATE, participant, input=a_360()))["createCycle"]
        nominated = (await graphql(gateway, OLD_NOMINATE, participant, cycleId=created["id"], raters=raters(1)))[
            "nominateRaters"
        ]

    deprecated = {f["name"]: f["deprecationReason"] for f in fields if f["isDeprecated"]}
    replaced = ["createCycle", "nominateRaters", "removeRater", "sendReminders", "extendCycle", "closeCycle"]
    for name in [*replaced, "releaseReport"]:
        assert f"Use {name}V2" in deprecated[name], name
        assert next(f for f in fields if f["name"] == f"{name}V2")["isDeprecated"] is False
    assert old_refused["data"] == {"createCycle": None}
    assert [(e["message"], e["extensions"]["code"]) for e in old_refused["errors"]] == [
        ("1 problem(s) with the cycle", "BAD_USER_INPUT")
    ]
    assert created["status"] == "draft"
    assert len(nominated) == 2
