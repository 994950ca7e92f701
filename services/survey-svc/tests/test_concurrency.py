"""Races the database settles, against committed data: two submissions of one response at the same
instant store one, replicas closing due cycles at once close each cycle once, replicas queueing goal
reminders at once mail each reminder once, and twenty copies of one create sent with one Idempotency-Key
store one row."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
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


# Each create that takes an Idempotency-Key: the table it writes, the caller's column, and a body.
IDEMPOTENT_CREATES = {
    "/v1/goals": ("goal", "author_id", {"title": "Ask for feedback after each project"}),
    "/v1/team-cycles": ("team_cycle", "created_by", {"name": "Ward 7 leads"}),
    "/v1/observations": (
        "observation",
        "author_id",
        {
            "observed_on": datetime.now(UTC).date().isoformat(),
            "context": "Board round, ward 7",
            "what_happened": "The registrar asked the student nurse for her view before deciding.",
            "dimension_keys": ["engaging_the_team"],
        },
    ),
    "/v1/cycles": ("cycle", "participant_id", {"kind": "feedback_360", "participant_name": "Alex"}),
}


@pytest.mark.parametrize("path", IDEMPOTENT_CREATES)
async def test_twenty_retries_of_one_create_at_once_store_one_row_and_answer_alike(
    path: str, committed: Any, engine: AsyncEngine, hlm_360: QuestionnairePublishedV1
) -> None:
    client, me, sub = committed
    table, caller, body = IDEMPOTENT_CREATES[path]
    if path == "/v1/cycles":
        body = {**body, "questionnaire_id": str(hlm_360.questionnaire_id)}
    # A client retrying over a flaky network: the same request, with the same key, twenty times at once.
    headers = {**me, "Idempotency-Key": f"retry-{uuid.uuid4().hex}"}

    answers = await asyncio.gather(*(client.post(path, json=body, headers=headers) for _ in range(20)))

    statuses = [r.status_code for r in answers]
    assert 500 not in statuses, [r.text for r in answers]
    # One attempt made the row (201); every other one answers with that row (200).
    assert sorted(statuses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in answers}) == 1
    async with engine.connect() as connection:
        stored = await connection.scalar(
            text(f"SELECT count(*) FROM survey.{table} WHERE {caller} = :s"),
            {"s": sub},
        )
    assert stored == 1


async def test_pages_saved_at_once_into_one_draft_all_stay(
    committed: Any, engine: AsyncEngine, settings: Settings, smtp: Any, token_in: Any, hlm_360: QuestionnairePublishedV1
) -> None:
    """A rater with two tabs sends two pages at the same moment: each is merged into the draft under the
    invitation's lock, so neither overwrites the other."""
    client, me, _ = committed
    _, emails = await _open_360(client, me, hlm_360)
    await mail_service.deliver_due(async_sessionmaker(engine), SmtpMailer(settings), settings)
    token = token_in(smtp.to(emails[1])[-1])
    keys = [d.key for d in hlm_360.dimensions[:4]]

    def page(key: str) -> dict[str, Any]:
        answers = [{"item_key": i.key, "level": 3} for i in hlm_360.items if i.dimension_key == key]
        return {"answers": answers, "importance": [{"dimension_key": key, "rating": 3}]}

    answers = await asyncio.gather(
        *(client.put(f"/v1/invitations/{token}/draft/{key}", json=page(key)) for key in keys)
    )
    view = (await client.get(f"/v1/invitations/{token}")).json()

    assert [a.status_code for a in answers] == [200] * len(keys)
    assert sorted(r["dimension_key"] for r in view["draft"]["importance"]) == sorted(keys)
