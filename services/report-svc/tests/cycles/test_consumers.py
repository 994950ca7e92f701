"""The read model fed through the real broker: the report of a closed cycle, whatever the order of its
events and however often they are delivered."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from hlm_contracts import (
    CycleClosedV1,
    ParticipantErasedV1,
    ResponseSubmittedV1,
    SessionBookedV1,
    SessionCancelledV1,
    SessionCompletedV1,
)
from hlm_contracts.enums import RaterGroup
from hlm_kit.testing.pytest_plugin import wait_for
from report_svc.reports.service import report_id_of
from report_svc.scoring.individual import build_360
from report_svc.scoring.inputs import Thresholds

from ..conftest import NOW, RunningService, cycle_events  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import QUESTIONNAIRE, RESPONSES  # noqa: TID252  (test support shared by the suite)


def _expected(cycle_id: uuid.UUID) -> dict[str, Any]:
    """The pure build of the example cycle (every figure of it checked by hand in scoring/test_individual)."""
    return build_360(QUESTIONNAIRE, RESPONSES, Thresholds(), cycle_id.bytes)


def _without_questionnaire(content: dict[str, Any]) -> dict[str, Any]:
    """The scored part of a stored report: without what the service adds from the questionnaire and the
    cycle (its name and version, the cycle's dates, invitations per group)."""
    scored = {k: v for k, v in content.items() if k not in ("questionnaire", "cycle", "invited_others")}
    if "groups" in scored:
        scored["groups"] = [{k: v for k, v in g.items() if k != "invited"} for g in scored["groups"]]
    return scored


async def _report_built(running: RunningService, cycle_id: uuid.UUID, *, state: str = "ready") -> Any:
    async def built() -> Any:
        content = await running.report_content(cycle_id)
        return content if content and content["state"] == state else None

    return await wait_for(built)


async def _outbox(running: RunningService, report_id: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    rows = await running.rows(
        "SELECT type, envelope FROM report.outbox_message WHERE subject = :s ORDER BY id", s=str(report_id)
    )
    return [(row[0], row[1]["data"]) for row in rows]


async def test_a_closed_cycle_fed_through_the_broker_gives_the_hand_computed_report(running: RunningService) -> None:
    events = cycle_events()

    await running.publish(*events.ordered)

    content = await _report_built(running, events.cycle_id)
    assert _without_questionnaire(content) == _expected(events.cycle_id)
    care, vision = content["dimensions"]
    assert (care["self"]["score"], care["others"]["score"], care["groups"]["peer_combined"]["score"]) == (3.5, 2.5, 2.4)
    assert (vision["others"]["score"], vision["others"]["n"], vision["importance"]["others"]) == (2.1, 5, 3.4)
    assert content["questionnaire"]["name"] == "Example 360"
    # The cover's facts: when the cycle opened and closed, and who was invited to each shown group.
    assert content["cycle"]["closed_at"] == events.closed.closed_at.isoformat()
    assert content["cycle"]["opened_at"] is not None
    assert [(g["label"], g["invited"], g["n"]) for g in content["groups"]] == [
        ("Line manager", 1, 1),
        ("Peers (combined with direct reports and other colleagues)", 5, 5),
    ]
    assert content["invited_others"] == 6
    report_id = report_id_of(events.cycle_id)
    row = (await running.rows("SELECT status, version FROM report.report WHERE id = :id", id=report_id))[0]
    assert tuple(row) == ("awaiting_release", 1)
    assert await _outbox(running, report_id) == [
        (
            "hlm.report.report.ready.v1",
            {"report_id": str(report_id), "cycle_id": str(events.cycle_id), "participant_id": events.participant_id},
        )
    ]


async def test_out_of_order_and_redelivered_events_give_the_same_report_as_the_ordered_stream(
    running: RunningService,
) -> None:
    close_first = cycle_events()
    questionnaire_last = cycle_events()
    redelivered = cycle_events()

    # The close arrives before any response, responses before the cycle's opening.
    await running.publish(close_first.closed, *reversed(close_first.responses), close_first.opened)
    await running.publish(close_first.questionnaire)
    # The questionnaire arrives after everything else; the last response after the close.
    await running.publish(questionnaire_last.opened, *questionnaire_last.responses[:-1], questionnaire_last.closed)
    await running.publish(questionnaire_last.responses[-1], questionnaire_last.questionnaire)
    # Every event delivered twice.
    sent = await running.publish(*redelivered.ordered)
    await running.publish(*sent)

    for events in (close_first, questionnaire_last, redelivered):
        content = await _report_built(running, events.cycle_id)
        assert _without_questionnaire(content) == _expected(events.cycle_id)
    await wait_for(lambda: _equals(running.inbox_count([e.id for e in sent]), len(sent)))
    for events in (close_first, questionnaire_last, redelivered):
        report_id = report_id_of(events.cycle_id)
        assert await running.scalar("SELECT version FROM report.report WHERE id = :id", id=report_id) == 1
        assert [t for t, _ in await _outbox(running, report_id)] == ["hlm.report.report.ready.v1"]
    assert await running.scalar(
        "SELECT count(*) FROM report.response WHERE cycle_id = :id", id=redelivered.cycle_id
    ) == len(RESPONSES)


async def _equals(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def test_a_self_assessment_is_built_and_released_at_once_without_waiting_for_a_close(
    running: RunningService,
) -> None:
    own = [r for r in RESPONSES if r.group is RaterGroup.SELF]
    events = cycle_events(kind="self_assessment", responses=own)

    await running.publish(events.questionnaire, events.opened, *events.responses)

    content = await _report_built(running, events.cycle_id)
    assert content["kind"] == "self_assessment"
    assert content["dimensions"][0]["self"] == {"score": 3.5, "level": "Exemplary"}
    report_id = report_id_of(events.cycle_id)
    sent = await _outbox(running, report_id)
    assert [t for t, _ in sent] == ["hlm.report.report.ready.v1", "hlm.report.report.released.v1"]
    assert sent[1][1]["released_by"] == "report-svc"
    assert sent[1][1]["released_to"] == events.participant_id


async def test_a_cycle_that_chose_direct_release_goes_to_the_participant_at_once(running: RunningService) -> None:
    events = cycle_events(release_mode="direct")

    await running.publish(*events.ordered)

    await _report_built(running, events.cycle_id)
    report_id = report_id_of(events.cycle_id)
    assert await running.scalar("SELECT status FROM report.report WHERE id = :id", id=report_id) == "released"
    assert [t for t, _ in await _outbox(running, report_id)] == [
        "hlm.report.report.ready.v1",
        "hlm.report.report.released.v1",
    ]


async def test_too_few_responses_give_a_state_saying_what_is_missing_and_an_extension_then_builds_the_report(
    running: RunningService,
) -> None:
    few = [r for r in RESPONSES if r.group in (RaterGroup.SELF, RaterGroup.LINE_MANAGER, RaterGroup.DIRECT_REPORT)]
    events = cycle_events(responses=few)
    report_id = report_id_of(events.cycle_id)

    await running.publish(*events.ordered)

    content = await _report_built(running, events.cycle_id, state="insufficient_responses")
    assert content["insufficient"] == {
        "reason": content["insufficient"]["reason"],
        "others_required": 4,
        "others_submitted": 2,
        "missing": 2,
    }
    assert await running.scalar("SELECT status FROM report.report WHERE id = :id", id=report_id) == "not_produced"
    assert await _outbox(running, report_id) == []

    # The cycle is extended, more raters answer, and it closes again.
    more = cycle_events(cycle_id=events.cycle_id, participant_id=events.participant_id)
    extra = [
        ResponseSubmittedV1.model_validate({**r.model_dump(), "cycle_id": events.cycle_id})
        for r, source in zip(more.responses, RESPONSES, strict=True)
        if source not in few
    ]
    reclosed = CycleClosedV1(
        cycle_id=events.cycle_id,
        participant_id=events.participant_id,
        invited=more.closed.invited,
        submitted=more.closed.submitted,
        closed_at=NOW + timedelta(days=7),
    )
    await running.publish(reclosed, *extra)

    content = await _report_built(running, events.cycle_id)
    assert _without_questionnaire(content) == _expected(events.cycle_id)
    assert await running.scalar("SELECT version FROM report.report WHERE id = :id", id=report_id) == 2
    assert [t for t, _ in await _outbox(running, report_id)] == ["hlm.report.report.ready.v1"]


async def test_an_erased_participant_leaves_nothing_behind_and_late_events_store_nothing_again(
    running: RunningService,
) -> None:
    events = cycle_events()
    await running.publish(*events.ordered)
    await _report_built(running, events.cycle_id)

    erased = await running.publish(ParticipantErasedV1(participant_id=events.participant_id, erased_at=NOW))
    await wait_for(lambda: _equals(running.inbox_count([erased[0].id]), 1))
    booked = SessionBookedV1(
        booking_id=uuid.uuid4(),
        facilitator_id=uuid.uuid4(),
        facilitator_subject="idp|facilitator-x",
        participant_id=events.participant_id,
        cycle_id=events.cycle_id,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
    )
    late = await running.publish(events.opened, events.responses[0], booked)
    await wait_for(lambda: _equals(running.inbox_count([e.id for e in late]), 3))

    for table in ("report", "cycle"):
        assert (
            await running.scalar(
                f"SELECT count(*) FROM report.{table} WHERE id = :id",
                id=(report_id_of(events.cycle_id) if table == "report" else events.cycle_id),
            )
            == 0
        )
    assert await running.scalar("SELECT count(*) FROM report.response WHERE cycle_id = :id", id=events.cycle_id) == 0
    for table in ("cycle", "booking"):
        assert (
            await running.scalar(
                f"SELECT count(*) FROM report.{table} WHERE participant_id = :p", p=events.participant_id
            )
            == 0
        )


async def test_a_cancellation_arriving_before_its_booking_is_not_undone_by_it(running: RunningService) -> None:
    booking_id, facilitator_id = uuid.uuid4(), uuid.uuid4()
    booked = SessionBookedV1(
        booking_id=booking_id,
        facilitator_id=facilitator_id,
        facilitator_subject="idp|facilitator-x",
        participant_id="participant-x",
        cycle_id=uuid.uuid4(),
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
    )
    sent = await running.publish(SessionCancelledV1(booking_id=booking_id, cancelled_at=NOW))
    await wait_for(lambda: _equals(running.inbox_count([sent[0].id]), 1))
    sent += await running.publish(booked, SessionCompletedV1(booking_id=uuid.uuid4(), completed_at=NOW))
    await wait_for(lambda: _equals(running.inbox_count([e.id for e in sent]), 3))

    (row,) = await running.rows(
        "SELECT facilitator_id, facilitator_subject, cancelled_at FROM report.booking WHERE id = :id", id=booking_id
    )
    assert (row[0], row[1]) == (facilitator_id, "idp|facilitator-x")
    assert row[2] is not None


async def test_concurrent_deliveries_of_one_cycle_build_its_report_once(running: RunningService) -> None:
    events = cycle_events()
    await running.publish(events.questionnaire, events.opened)
    # Responses and the close published together from several connections at once.
    await asyncio.gather(*(running.publish(e) for e in [*events.responses, events.closed]))

    content = await _report_built(running, events.cycle_id)
    assert _without_questionnaire(content) == _expected(events.cycle_id)
    report_id = report_id_of(events.cycle_id)
    assert await running.scalar("SELECT count(*) FROM report.report_version WHERE report_id = :id", id=report_id) == 1
