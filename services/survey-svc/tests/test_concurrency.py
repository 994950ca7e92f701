"""Races the database settles, against committed data: two submissions of one response at the same
instant store one, replicas closing due cycles at once close each cycle once, and replicas queueing goal
reminders at once mail each reminder once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from hlm_contracts import QuestionnairePublishedV1
from hlm_kit.testing.pytest_plugin import AuthHeaders
from survey_svc import workers
from survey_svc.config import Settings
from survey_svc.mail import service as mail_service
from survey_svc.mail.transport import SmtpMailer
from survey_svc.main import create_app


@pytest_asyncio.fixture
async def committed(
    settings: Settings, snapshots: list[QuestionnairePublishedV1], auth: AuthHeaders, client_address: tuple[str, int]
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], str]]:
    """The app on its own connections (every request commits), as a participant erased afterwards."""
    app = create_app(settings)
    sub = f"participant-{uuid.uuid4().hex[:8]}"
    me = auth("participant", sub=sub)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=client_address), base_url="http://survey-svc"
        ) as client,
    ):
        yield client, me, sub
        await client.delete(f"/v1/participants/{sub}", headers=me)


async def _open_360(
    client: httpx.AsyncClient, me: dict[str, str], hlm_360: QuestionnairePublishedV1
) -> tuple[str, list[str]]:
    created = await client.post(
        "/v1/cycles",
        json={"kind": "feedback_360", "questionnaire_id": str(hlm_360.questionnaire_id), "participant_name": "Alex"},
        headers=me,
    )
    cycle_id = created.json()["id"]
    tag = uuid.uuid4().hex[:8]
    emails = [f"rater{n}.{tag}@trust.example.org" for n in range(4)]
    raters = [{"name": f"Rater {n}", "email": e, "rater_group": "peer"} for n, e in enumerate(emails)]
    raters[0]["rater_group"] = "line_manager"
    await client.post(f"/v1/cycles/{cycle_id}/raters", json={"raters": raters}, headers=me)
    closes_at = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    opened = await client.post(f"/v1/cycles/{cycle_id}/open", json={"closes_at": closes_at}, headers=me)
    assert opened.status_code == 200, opened.text
    return cycle_id, emails


async def test_the_same_response_submitted_twice_at_once_is_stored_once(
    committed: Any,
    engine: AsyncEngine,
    settings: Settings,
    smtp: Any,
    full_answers: Any,
    token_in: Any,
    hlm_360: QuestionnairePublishedV1,
) -> None:
    client, me, _ = committed
    cycle_id, emails = await _open_360(client, me, hlm_360)
    await mail_service.deliver_due(async_sessionmaker(engine), SmtpMailer(settings), settings)
    token = token_in(smtp.to(emails[1])[-1])
    body = full_answers(hlm_360)

    answers = await asyncio.gather(*(client.post(f"/v1/invitations/{token}/submit", json=body) for _ in range(4)))

    assert sorted(r.status_code for r in answers) == [201, 404, 404, 404]
    async with engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT count(*) FROM survey.response WHERE cycle_id = :id"), {"id": cycle_id}
        )
        events = await connection.scalar(
            text("SELECT count(*) FROM survey.outbox_message WHERE subject = :id AND type LIKE '%response.submitted%'"),
            {"id": cycle_id},
        )
    assert (stored, events) == (1, 1)


async def test_replicas_closing_due_cycles_at_once_close_each_cycle_once(
    committed: Any, engine: AsyncEngine, settings: Settings, hlm_360: QuestionnairePublishedV1
) -> None:
    client, me, _ = committed
    cycle_ids = [(await _open_360(client, me, hlm_360))[0] for _ in range(3)]
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE survey.cycle SET closes_at = now() - interval '1 second' WHERE id = ANY(:ids)"),
            {"ids": [uuid.UUID(i) for i in cycle_ids]},
        )

    # Four "replicas", each with its own connections, run the closing task at the same moment.
    closed = await asyncio.gather(*(workers.close_due_cycles(async_sessionmaker(engine), settings) for _ in range(4)))

    assert sum(closed) >= 3
    async with engine.connect() as connection:
        events = await connection.execute(
            text(
                "SELECT subject, count(*) FROM survey.outbox_message"
                " WHERE type = 'hlm.survey.cycle.closed.v1' AND subject = ANY(:ids) GROUP BY subject"
            ),
            {"ids": cycle_ids},
        )
        assert dict(events.all()) == {i: 1 for i in cycle_ids}


async def test_replicas_queueing_goal_reminders_at_once_mail_each_reminder_once(
    committed: Any, engine: AsyncEngine, settings: Settings, smtp: Any, auth: AuthHeaders
) -> None:
    client, _, sub = committed
    address = f"author.{uuid.uuid4().hex[:8]}@trust.example.org"
    me = auth("participant", sub=sub, email=address)
    today = datetime.now(UTC).date().isoformat()
    for n in range(5):
        created = await client.post(
            "/v1/goals", json={"title": f"Goal {n}", "remind_on": today, "remind_by_mail": True}, headers=me
        )
        assert created.status_code == 201, created.text

    # Four "replicas" run the reminder task at the same moment; then the mail goes.
    queued = await asyncio.gather(
        *(workers.queue_goal_reminders(async_sessionmaker(engine), settings) for _ in range(4))
    )
    await mail_service.deliver_due(async_sessionmaker(engine), SmtpMailer(settings), settings)

    assert sum(queued) >= 5
    titles = [
        line.strip()
        for message in smtp.to(address)
        for line in message.get_payload(decode=True).decode().splitlines()
        if line.strip().startswith("Goal ")
    ]
    assert sorted(titles) == [f"Goal {n}" for n in range(5)]


async def _at_once(client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """Twenty copies of one request, sent together as a client retrying over a flaky network would."""
    return await asyncio.gather(*(client.post(path, json=body, headers=headers) for _ in range(20)))


async def test_twenty_retries_of_one_goal_at_once_store_one_goal_and_answer_alike(
    committed: Any, engine: AsyncEngine
) -> None:
    client, me, sub = committed
    headers = {**me, "Idempotency-Key": f"goal-{uuid.uuid4().hex}"}

    answers = await _at_once(client, "/v1/goals", {"title": "Ask for feedback after each project"}, headers)

    statuses = [r.status_code for r in answers]
    assert 500 not in statuses, [r.text for r in answers]
    # One attempt made the goal (201); every other one answers with that goal (200).
    assert sorted(statuses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in answers}) == 1
    async with engine.connect() as connection:
        stored = await connection.scalar(text("SELECT count(*) FROM survey.goal WHERE author_id = :s"), {"s": sub})
    assert stored == 1


async def test_twenty_retries_of_one_team_360_at_once_start_one_team_and_answer_alike(
    committed: Any, engine: AsyncEngine
) -> None:
    client, me, sub = committed
    headers = {**me, "Idempotency-Key": f"team-{uuid.uuid4().hex}"}

    answers = await _at_once(client, "/v1/team-cycles", {"name": "Ward 7 leads"}, headers)

    statuses = [r.status_code for r in answers]
    assert 500 not in statuses, [r.text for r in answers]
    assert sorted(statuses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in answers}) == 1
    async with engine.connect() as connection:
        stored = await connection.scalar(
            text("SELECT count(*) FROM survey.team_cycle WHERE created_by = :s"), {"s": sub}
        )
    assert stored == 1
