"""The read model's handlers running at the same moment on committed data, as the consumers of different
queues run them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from hlm_contracts import EventData, ParticipantErasedV1
from hlm_kit.auth import Principal, Role
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.testing.pytest_plugin import wait_for
from report_svc import consumers
from report_svc.reports import service as report_service
from report_svc.reports.service import report_id_of

from ..conftest import NOW, book, cycle_events  # noqa: TID252  (test support shared by the suite)


async def _handle(sessionmaker: async_sessionmaker, event: EventData) -> None:  # type: ignore[type-arg]
    async with sessionmaker() as session, session.begin():
        await consumers.HANDLERS[type(event)](session, event, CloudEvent.wrap(event))


async def _waits_for_a_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        waiting = await connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
        )
        return bool(waiting.scalar())


async def test_a_questionnaire_arriving_while_its_cycle_opens_still_gives_the_report(engine: AsyncEngine) -> None:
    events = cycle_events()
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    for event in [*events.responses, events.closed]:
        await _handle(sessionmaker, event)

    async with sessionmaker() as opening, opening.begin():
        await consumers.HANDLERS[type(events.opened)](opening, events.opened, CloudEvent.wrap(events.opened))
        # The questionnaire is handled on its own queue before the opening commits.
        arrival = asyncio.create_task(_handle(sessionmaker, events.questionnaire))
        await wait_for(lambda: arrival.done() or _waits_for_a_lock(engine))
    await arrival

    async with engine.connect() as connection:
        state = await connection.execute(
            text("SELECT content->>'state' FROM report.report WHERE cycle_id = :id"), {"id": events.cycle_id}
        )
        assert state.scalar() == "ready"


async def test_an_erasure_arriving_while_its_participants_cycle_opens_leaves_nothing(engine: AsyncEngine) -> None:
    events = cycle_events()
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    await _handle(sessionmaker, events.questionnaire)
    erased = ParticipantErasedV1(participant_id=events.participant_id, erased_at=NOW)

    async with sessionmaker() as opening, opening.begin():
        await consumers.HANDLERS[type(events.opened)](opening, events.opened, CloudEvent.wrap(events.opened))
        # The erasure is handled on its own queue before the opening commits.
        erasure = asyncio.create_task(_handle(sessionmaker, erased))
        await wait_for(lambda: erasure.done() or _waits_for_a_lock(engine))
    await erasure
    # The responses and the close arrive late, as they may.
    for event in [*events.responses, events.closed]:
        await _handle(sessionmaker, event)

    async with engine.connect() as connection:
        held = await connection.execute(
            text(
                "SELECT (SELECT count(*) FROM report.cycle WHERE id = :id OR participant_id = :p)"
                " + (SELECT count(*) FROM report.report WHERE cycle_id = :id OR participant_id = :p)"
                " + (SELECT count(*) FROM report.response WHERE cycle_id = :id)"
            ),
            {"id": events.cycle_id, "p": events.participant_id},
        )
        assert held.scalar() == 0


async def test_a_response_handled_while_its_participant_is_erased_is_not_kept(engine: AsyncEngine) -> None:
    events = cycle_events()
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    for event in [events.questionnaire, events.opened, *events.responses[:-1]]:
        await _handle(sessionmaker, event)
    erased = ParticipantErasedV1(participant_id=events.participant_id, erased_at=NOW)

    async with sessionmaker() as erasing, erasing.begin():
        await consumers.HANDLERS[type(erased)](erasing, erased, CloudEvent.wrap(erased))
        # The last response is handled on its own queue before the erasure commits.
        late = asyncio.create_task(_handle(sessionmaker, events.responses[-1]))
        await wait_for(lambda: late.done() or _waits_for_a_lock(engine))
    await late

    async with engine.connect() as connection:
        held = await connection.execute(
            text(
                "SELECT (SELECT count(*) FROM report.response WHERE cycle_id = :id)"
                " + (SELECT count(*) FROM report.cycle WHERE id = :id)"
            ),
            {"id": events.cycle_id},
        )
        assert held.scalar() == 0


async def test_a_release_made_while_the_report_is_rebuilt_stands(engine: AsyncEngine) -> None:
    events = cycle_events()
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    for event in events.ordered:
        await _handle(sessionmaker, event)
    facilitator = f"idp|facilitator-{events.cycle_id.hex[:8]}"
    async with sessionmaker() as session:
        await book(
            session, facilitator_subject=facilitator, participant_id=events.participant_id, cycle_id=events.cycle_id
        )
    report_id = report_id_of(events.cycle_id)
    # The cycle closes again later with more raters invited: a rebuild that changes the content.
    reclosed = events.closed.model_copy(
        update={
            "invited": {group: count + 1 for group, count in events.closed.invited.items()},
            "closed_at": events.closed.closed_at + timedelta(hours=1),
        }
    )
    principal = Principal(sub=facilitator, roles=frozenset({Role.FACILITATOR}))

    async with sessionmaker() as releasing, releasing.begin():
        assert (await report_service.release(releasing, principal, report_id)).status == "released"
        # The close is handled on its own queue before the release commits.
        rebuild = asyncio.create_task(_handle(sessionmaker, reclosed))
        await wait_for(lambda: rebuild.done() or _waits_for_a_lock(engine))
    await rebuild

    async with engine.connect() as connection:
        status, released_by = (
            await connection.execute(
                text("SELECT status, released_by FROM report.report WHERE id = :id"), {"id": report_id}
            )
        ).one()
        announced = await connection.scalar(
            text("SELECT count(*) FROM report.outbox_message WHERE subject = :s AND type LIKE '%released%'"),
            {"s": str(report_id)},
        )
    assert (status, released_by, announced) == ("released", facilitator, 1)
