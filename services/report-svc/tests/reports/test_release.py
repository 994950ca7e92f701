"""Coached release: the booked facilitator sees the report first and releases it to the participant."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import SessionBookedV1, SessionCancelledV1, SessionKind
from hlm_contracts.enums import RaterGroup
from hlm_kit.testing.pytest_plugin import AuthHeaders
from report_svc.reports.service import report_id_of
from report_svc.sessions import service as session_service

from ..conftest import NOW, book, cycle_events, seed  # noqa: TID252  (test support shared by the suite)
from ..scoring.example import RESPONSES  # noqa: TID252

Problem = Callable[[httpx.Response, int], dict[str, Any]]


async def _released_events(session: AsyncSession, report_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.execute(
        text("SELECT envelope FROM report.outbox_message WHERE subject = :s AND type = :t ORDER BY id"),
        {"s": str(report_id), "t": "hlm.report.report.released.v1"},
    )
    return [row[0]["data"] for row in rows]


FACILITATOR = "idp|facilitator-7"  # the account the booked facilitator signs in with


async def test_the_booked_facilitator_releases_a_coached_report_and_only_then_the_participant_reads_it(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    events = cycle_events()
    await seed(session, events)
    await book(session, facilitator_subject=FACILITATOR, participant_id=events.participant_id, cycle_id=events.cycle_id)
    report_id = report_id_of(events.cycle_id)
    participant = auth("participant", sub=events.participant_id)
    facilitator = auth("facilitator", sub=FACILITATOR)

    waiting = assert_problem(await client.get(f"/v1/reports/{report_id}", headers=participant), 403)
    assert "facilitator" in waiting["detail"]
    assert (await client.get(f"/v1/reports/{report_id}", headers=facilitator)).json()["status"] == "awaiting_release"

    released = await client.post(f"/v1/reports/{report_id}/release", headers=facilitator)
    again = await client.post(f"/v1/reports/{report_id}/release", headers=facilitator)

    assert released.status_code == 200
    assert released.json()["status"] == "released"
    assert released.json()["released_by"] == FACILITATOR
    assert again.status_code == 200
    assert (await client.get(f"/v1/reports/{report_id}", headers=participant)).status_code == 200
    announced = await _released_events(session, report_id)
    assert len(announced) == 1
    assert announced[0]["released_to"] == events.participant_id
    assert announced[0]["released_by"] == FACILITATOR


async def test_neither_another_facilitator_nor_one_whose_sub_is_the_register_id_can_read_or_release(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    events = cycle_events()
    await seed(session, events)
    register_id = uuid.uuid4()
    await book(
        session,
        facilitator_id=register_id,
        facilitator_subject=FACILITATOR,
        participant_id=events.participant_id,
        cycle_id=events.cycle_id,
    )
    report_id = report_id_of(events.cycle_id)

    for intruder in ("idp|facilitator-8", str(register_id)):
        facilitator = auth("facilitator", sub=intruder)
        assert_problem(await client.get(f"/v1/reports/{report_id}", headers=facilitator), 404)
        assert_problem(await client.post(f"/v1/reports/{report_id}/release", headers=facilitator), 404)
        assert (await client.get("/v1/reports", headers=facilitator)).json()["items"] == []
    assert await _released_events(session, report_id) == []
    assert_problem(
        await client.get(f"/v1/reports/{report_id}", headers=auth("participant", sub=events.participant_id)), 403
    )


async def test_a_session_with_a_facilitator_not_yet_linked_to_an_account_lets_no_one_release(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    """Until the register entry is linked, facilitator-svc announces the session without an account; once
    linked (or relinked) it announces it again, and the account named last is the one that may act."""
    events = cycle_events()
    await seed(session, events)
    register_id, booking_id = uuid.uuid4(), uuid.uuid4()
    booked = {
        "booking_id": booking_id,
        "facilitator_id": register_id,
        "participant_id": events.participant_id,
        "cycle_id": events.cycle_id,
    }
    await book(session, facilitator_subject=None, **booked)
    report_id = report_id_of(events.cycle_id)
    release = f"/v1/reports/{report_id}/release"

    for sub in (str(register_id), "idp|facilitator-7"):
        assert_problem(await client.post(release, headers=auth("facilitator", sub=sub)), 404)

    await book(session, facilitator_subject="idp|old-account", published_at=NOW + timedelta(minutes=1), **booked)
    await book(session, facilitator_subject=FACILITATOR, published_at=NOW + timedelta(minutes=2), **booked)
    # An older announcement delivered late does not give the old account back.
    await book(session, facilitator_subject="idp|old-account", published_at=NOW + timedelta(minutes=1), **booked)

    assert_problem(
        await client.get(f"/v1/reports/{report_id}", headers=auth("facilitator", sub="idp|old-account")), 404
    )
    assert_problem(await client.post(release, headers=auth("facilitator", sub="idp|old-account")), 404)
    assert (await client.post(release, headers=auth("facilitator", sub=FACILITATOR))).status_code == 200
    assert [e["released_by"] for e in await _released_events(session, report_id)] == [FACILITATOR]


async def test_a_facilitator_whose_session_was_cancelled_can_neither_read_nor_release_the_report(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    events = cycle_events()
    await seed(session, events)
    booking = await book(
        session, facilitator_subject=FACILITATOR, participant_id=events.participant_id, cycle_id=events.cycle_id
    )
    await session_service.on_cancelled(session, SessionCancelledV1(booking_id=booking, cancelled_at=NOW))
    await session.commit()
    report_id = report_id_of(events.cycle_id)
    facilitator = auth("facilitator", sub=FACILITATOR)

    assert_problem(await client.get(f"/v1/reports/{report_id}", headers=facilitator), 404)
    assert_problem(await client.post(f"/v1/reports/{report_id}/release", headers=facilitator), 404)
    assert await _released_events(session, report_id) == []


async def test_a_booking_that_names_no_cycle_lets_its_facilitator_see_every_report_of_the_participant(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders
) -> None:
    events = cycle_events()
    await seed(session, events)
    await book(session, facilitator_subject=FACILITATOR, participant_id=events.participant_id, cycle_id=None)

    listed = await client.get("/v1/reports", headers=auth("facilitator", sub=FACILITATOR))

    assert [r["id"] for r in listed.json()["items"]] == [str(report_id_of(events.cycle_id))]


@pytest.mark.parametrize("kind", [SessionKind.COACHING, SessionKind.MENTORING])
async def test_a_coach_or_mentor_of_the_participant_is_given_no_report_to_see_or_release(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem, kind: SessionKind
) -> None:
    events = cycle_events()
    await seed(session, events)
    # A coaching or mentoring session is the participant's own and names no cycle; it is not the session
    # that releases a report, so it grants what a feedback session without a cycle would not.
    data = SessionBookedV1(
        booking_id=uuid.uuid4(),
        facilitator_id=uuid.uuid4(),
        facilitator_subject=FACILITATOR,
        participant_id=events.participant_id,
        cycle_id=None,
        kind=kind,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
    )
    await session_service.on_booked(session, data, NOW)
    await session.commit()
    report_id = report_id_of(events.cycle_id)
    coach = auth("facilitator", sub=FACILITATOR)

    assert (await client.get("/v1/reports", headers=coach)).json()["items"] == []
    assert_problem(await client.get(f"/v1/reports/{report_id}", headers=coach), 404)
    assert_problem(await client.post(f"/v1/reports/{report_id}/release", headers=coach), 404)
    assert await _released_events(session, report_id) == []


async def test_a_report_with_too_few_responses_has_nothing_to_release_but_its_participant_sees_why(
    client: httpx.AsyncClient, session: AsyncSession, auth: AuthHeaders, assert_problem: Problem
) -> None:
    events = cycle_events(responses=[r for r in RESPONSES if r.group in (RaterGroup.SELF, RaterGroup.PEER)])
    await seed(session, events)
    await book(session, facilitator_subject=FACILITATOR, participant_id=events.participant_id, cycle_id=events.cycle_id)
    report_id = report_id_of(events.cycle_id)

    assert_problem(
        await client.post(f"/v1/reports/{report_id}/release", headers=auth("facilitator", sub=FACILITATOR)), 409
    )
    own = await client.get(f"/v1/reports/{report_id}", headers=auth("participant", sub=events.participant_id))
    assert own.json()["state"] == "insufficient_responses"
    assert own.json()["content"]["insufficient"]["missing"] == 1


async def test_a_batch_read_with_ids_that_are_not_uuids_lists_every_bad_one(
    client: httpx.AsyncClient, auth: AuthHeaders, assert_problem: Problem
) -> None:
    body = assert_problem(
        await client.get(f"/v1/reports?ids=nope,{uuid.uuid4()},also-bad", headers=auth("participant")), 422
    )
    assert [e["loc"] for e in body["errors"]] == [["query", "ids", 0], ["query", "ids", 2]]
