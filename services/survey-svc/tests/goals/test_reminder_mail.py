"""A goal's reminder is mailed, when its author asks for that, to the address their identity provider has
verified (never to one typed in), once per reminder date, through the same queue (with its retries) as the
raters' mail; and the mail tells nothing of the journal but the goal's title."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import Message
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hlm_kit.testing import today
from hlm_kit.testing.pytest_plugin import AuthHeaders
from survey_svc import workers
from survey_svc.config import Settings
from survey_svc.mail import service as mail_service
from survey_svc.mail.transport import SmtpMailer

Problem = Any


def an_address() -> str:
    """An address of the test's own: the SMTP server keeps every test's mail."""
    return f"alex.{uuid.uuid4().hex[:8]}@trust.example.org"


@pytest.fixture
def address() -> str:
    return an_address()


@pytest.fixture
def me(auth: AuthHeaders, address: str) -> dict[str, str]:
    """The author, signed in with a token carrying ``address`` as verified."""
    return auth("participant", sub="author-1", email=address)


async def run_reminders(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """One turn of the reminder task and then of the mail task; return how many reminders were queued."""
    queued = await workers.queue_goal_reminders(sessionmaker, settings)
    await mail_service.deliver_due(sessionmaker, SmtpMailer(settings), settings)
    return queued


async def set_goal(client: httpx.AsyncClient, me: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post("/v1/goals", json={"title": "Ask my team for feedback", **fields}, headers=me)
    assert response.status_code == 201, response.text
    goal: dict[str, Any] = response.json()
    return goal


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


async def test_a_due_reminder_is_mailed_to_its_author_once(
    client: httpx.AsyncClient, me: dict[str, str], address: str, sessionmaker: Any, settings: Settings, smtp: Any
) -> None:
    goal = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)

    first = await run_reminders(sessionmaker, settings)
    again = await run_reminders(sessionmaker, settings)

    assert (first, again) == (1, 0)
    assert len(smtp.to(address)) == 1
    read_back = (await client.get(f"/v1/goals/{goal['id']}", headers=me)).json()
    # Still listed as due for the app: the mail does not answer the reminder for the author.
    assert (read_back["remind_by_mail"], read_back["reminder_due"]) == (True, True)
    assert "remind_email" not in read_back


async def test_a_reminder_whose_date_is_still_to_come_is_not_mailed(
    client: httpx.AsyncClient,
    me: dict[str, str],
    address: str,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    session: AsyncSession,
) -> None:
    goal = await set_goal(client, me, remind_on=(today() + timedelta(days=1)).isoformat(), remind_by_mail=True)

    assert await run_reminders(sessionmaker, settings) == 0
    assert smtp.to(address) == []

    # The day comes.
    await session.execute(text("UPDATE survey.goal SET remind_on = remind_on - 1 WHERE id = :id"), {"id": goal["id"]})
    await session.commit()
    assert await run_reminders(sessionmaker, settings) == 1
    assert len(smtp.to(address)) == 1


async def test_a_new_reminder_date_is_mailed_again_when_it_comes(
    client: httpx.AsyncClient,
    me: dict[str, str],
    address: str,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    session: AsyncSession,
) -> None:
    goal = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    await run_reminders(sessionmaker, settings)
    # Changes that leave the date as it is do not arm the reminder again.
    same_date = {"title": "Ask my whole team for feedback", "remind_on": today().isoformat()}
    await client.patch(f"/v1/goals/{goal['id']}", json=same_date, headers=me)
    assert await run_reminders(sessionmaker, settings) == 0

    next_week = (today() + timedelta(days=7)).isoformat()
    moved = await client.patch(f"/v1/goals/{goal['id']}", json={"remind_on": next_week}, headers=me)
    not_yet = await run_reminders(sessionmaker, settings)
    await session.execute(
        text("UPDATE survey.goal SET remind_on = :today WHERE id = :id"), {"id": goal["id"], "today": today()}
    )
    await session.commit()
    when_it_comes = await run_reminders(sessionmaker, settings)
    afterwards = await run_reminders(sessionmaker, settings)

    assert moved.status_code == 200
    assert (not_yet, when_it_comes, afterwards) == (0, 1, 0)
    assert len(smtp.to(address)) == 2


async def test_an_achieved_dropped_or_deleted_goal_is_not_reminded(
    client: httpx.AsyncClient,
    me: dict[str, str],
    address: str,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    session: AsyncSession,
) -> None:
    achieved = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    await client.patch(f"/v1/goals/{achieved['id']}", json={"status": "achieved"}, headers=me)
    assert await run_reminders(sessionmaker, settings) == 0

    # Queued, but the goal is dropped or deleted before the mail goes: the mail is cancelled.
    dropped = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    deleted = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    assert await workers.queue_goal_reminders(sessionmaker, settings) == 2
    await client.patch(f"/v1/goals/{dropped['id']}", json={"status": "dropped"}, headers=me)
    assert (await client.delete(f"/v1/goals/{deleted['id']}", headers=me)).status_code == 204
    await mail_service.deliver_due(sessionmaker, SmtpMailer(settings), settings)

    assert smtp.to(address) == []
    assert await session.scalar(text("SELECT count(*) FROM survey.mail_job WHERE kind = 'goal_reminder'")) == 0

    # A goal made active again whose cancelled reminder never went gets it then.
    await client.patch(f"/v1/goals/{dropped['id']}", json={"status": "active"}, headers=me)
    assert await run_reminders(sessionmaker, settings) == 1
    assert len(smtp.to(address)) == 1


async def test_a_goal_without_an_address_is_reminded_in_the_app_only(
    client: httpx.AsyncClient, me: dict[str, str], address: str, sessionmaker: Any, settings: Settings, smtp: Any
) -> None:
    in_app = await set_goal(client, me, remind_on=today().isoformat())
    cleared = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    await client.patch(f"/v1/goals/{cleared['id']}", json={"remind_by_mail": False}, headers=me)

    assert await run_reminders(sessionmaker, settings) == 0
    assert smtp.to(address) == []
    due = (await client.get("/v1/goals?reminder_due=true", headers=me)).json()["items"]
    assert {g["id"] for g in due} == {in_app["id"], cleared["id"]}
    assert all(g["remind_by_mail"] is False for g in due)


async def test_the_reminder_names_the_goal_and_nothing_else_of_the_journal(
    client: httpx.AsyncClient, me: dict[str, str], address: str, sessionmaker: Any, settings: Settings, smtp: Any
) -> None:
    await client.post(
        "/v1/observations",
        json={
            "observed_on": today().isoformat(),
            "context": "Ward round on Tuesday",
            "what_happened": "Sam stayed calm while the registrar was short with a patient.",
            "dimension_keys": ["leading_with_care"],
        },
        headers=me,
    )
    await set_goal(client, me, title="Another goal of mine", remind_on=today().isoformat())
    await set_goal(
        client,
        me,
        title="Ask quieter colleagues for their view first",
        description="After the incident with Sam on ward 7, I want to listen more.",
        dimension_keys=["engaging_the_team"],
        target_on=(today() + timedelta(days=60)).isoformat(),
        remind_on=today().isoformat(),
        remind_by_mail=True,
    )

    await run_reminders(sessionmaker, settings)

    [message] = smtp.to(address)
    body = body_of(message)
    assert message["To"] == address
    assert message["From"] == settings.mail_from
    # The subject shows in notification previews: it names no goal.
    assert message["Subject"] == "A reminder about your development goal"
    assert "Ask quieter colleagues for their view first" in body
    for private in ("incident", "Sam", "ward", "Engaging", "engaging", "Another goal", "registrar", "Tuesday"):
        assert private not in body, private
    assert (today() + timedelta(days=60)).isoformat() not in body
    assert "http" not in body  # no link, no token


async def test_a_reminder_waits_while_the_mail_server_is_down_and_then_goes_once(
    client: httpx.AsyncClient,
    me: dict[str, str],
    address: str,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    session: AsyncSession,
) -> None:
    await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    unreachable = settings.model_copy(update={"smtp_port": 1})

    await workers.queue_goal_reminders(sessionmaker, settings)
    await mail_service.deliver_due(sessionmaker, SmtpMailer(unreachable), unreachable)
    assert smtp.to(address) == []
    attempts, sent_at = (
        await session.execute(text("SELECT attempts, sent_at FROM survey.mail_job WHERE kind = 'goal_reminder'"))
    ).one()
    assert (attempts, sent_at) == (1, None)

    # Time passes and the server is back; the reminder task has nothing new to queue.
    await session.execute(text("UPDATE survey.mail_job SET next_attempt_at = now() - interval '1 second'"))
    await session.commit()
    assert await run_reminders(sessionmaker, settings) == 0
    assert len(smtp.to(address)) == 1


@pytest.mark.parametrize("email_verified", [None, False], ids=["no-email", "email-not-verified"])
async def test_reminders_by_mail_need_a_verified_address_and_nothing_is_stored_without_one(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    address: str,
    stored_state: Any,
    assert_problem: Problem,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    email_verified: bool | None,
) -> None:
    # An address the identity provider has not verified counts as none: it could be anyone's.
    unverified = (
        auth("participant", sub="author-1")
        if email_verified is None
        else auth("participant", sub="author-1", email=address, email_verified=email_verified)
    )
    before = await stored_state()
    refused = assert_problem(
        await client.post(
            "/v1/goals",
            json={"title": "Ok", "remind_on": today().isoformat(), "remind_by_mail": True},
            headers=unverified,
        ),
        422,
    )
    assert [(e["loc"], e["type"]) for e in refused["errors"]] == [(["body", "remind_by_mail"], "no_verified_email")]
    assert "verified" in refused["errors"][0]["msg"]
    assert await stored_state() == before

    # Nor can a goal kept in the app be switched to mail; everything else of a change goes through.
    goal = await set_goal(client, unverified, remind_on=today().isoformat())
    switched = assert_problem(
        await client.patch(
            f"/v1/goals/{goal['id']}", json={"title": "Changed", "remind_by_mail": True}, headers=unverified
        ),
        422,
    )
    achieved = await client.patch(f"/v1/goals/{goal['id']}", json={"status": "achieved"}, headers=unverified)
    assert [e["loc"] for e in switched["errors"]] == [["body", "remind_by_mail"]]
    assert (achieved.json()["title"], achieved.json()["remind_by_mail"]) == ("Ask my team for feedback", False)

    await run_reminders(sessionmaker, settings)
    assert smtp.to(address) == []


async def test_an_address_cannot_be_typed_in(
    client: httpx.AsyncClient, me: dict[str, str], address: str, stored_state: Any, assert_problem: Problem
) -> None:
    before = await stored_state()
    typed = {"title": "Ok", "remind_by_mail": True, "remind_email": "someone.else@example.org"}

    refused = assert_problem(await client.post("/v1/goals", json=typed, headers=me), 422)

    assert [e["loc"] for e in refused["errors"]] == [["body", "remind_email"]]
    assert await stored_state() == before


async def test_the_reminder_follows_the_authors_verified_address_on_the_goals_next_write(
    client: httpx.AsyncClient,
    auth: AuthHeaders,
    address: str,
    sessionmaker: Any,
    settings: Settings,
    smtp: Any,
    session: AsyncSession,
) -> None:
    old_address, new_address = address, an_address()
    goal = await set_goal(
        client,
        auth("participant", sub="author-1", email=old_address),
        remind_on=today().isoformat(),
        remind_by_mail=True,
    )
    # The author's address changes at the identity provider; their next token carries the new one.
    await client.patch(
        f"/v1/goals/{goal['id']}",
        json={"title": "Ask my whole team for feedback"},
        headers=auth("participant", sub="author-1", email=new_address),
    )
    assert await run_reminders(sessionmaker, settings) == 1

    # A write with a token carrying no verified address leaves the one verified before.
    await client.patch(
        f"/v1/goals/{goal['id']}", json={"title": "Ask the whole team"}, headers=auth("participant", sub="author-1")
    )
    stored = await session.scalar(text("SELECT remind_email FROM survey.goal WHERE id = :id"), {"id": goal["id"]})

    assert smtp.to(old_address) == []
    assert len(smtp.to(new_address)) == 1
    assert stored == new_address


async def test_a_reminder_is_the_authors_alone(
    client: httpx.AsyncClient, me: dict[str, str], auth: AuthHeaders, assert_problem: Problem
) -> None:
    goal = await set_goal(client, me, remind_on=today().isoformat(), remind_by_mail=True)
    other = auth("participant", sub="author-2", email=an_address())

    assert_problem(await client.get(f"/v1/goals/{goal['id']}", headers=other), 404)
    assert_problem(await client.patch(f"/v1/goals/{goal['id']}", json={"remind_by_mail": True}, headers=other), 404)
    assert (await client.get("/v1/goals", headers=other)).json()["items"] == []
