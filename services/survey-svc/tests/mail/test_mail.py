"""Mail goes out after the change that calls for it commits; a failing server delays it, never loses it."""

from __future__ import annotations

import mailbox
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1
from survey_svc.mail import service as mail_service
from survey_svc.mail.transport import MaildirMailer, SmtpMailer

from ..conftest import Survey, make_settings, serving  # noqa: TID252  (test support shared by the suite)


async def test_when_the_mail_server_is_down_the_mail_waits_and_its_link_is_not_stored(
    survey: Any, client: httpx.AsyncClient, session: AsyncSession, settings: Any, smtp: Any, sessionmaker: Any
) -> None:
    cycle, raters = await survey.open_360()
    unreachable = settings.model_copy(update={"smtp_port": 1})
    # Raters' addresses repeat between tests, and the mail server is the session's: count what is new.
    already = {r["email"]: len(smtp.to(r["email"])) for r in raters}

    handled = await mail_service.deliver_due(sessionmaker, SmtpMailer(unreachable), unreachable)

    assert handled >= 4
    assert all(len(smtp.to(r["email"])) == already[r["email"]] for r in raters)
    # Other tests' cycles may hold committed tokens: count this cycle's alone.
    stored_tokens = text(
        "SELECT count(*) FROM survey.invitation_token t JOIN survey.invitation i ON i.id = t.invitation_id"
        " WHERE i.cycle_id = :cycle_id"
    )
    assert await session.scalar(stored_tokens, {"cycle_id": cycle["id"]}) == 0
    this_cycles_jobs = text(
        "SELECT j.attempts, j.sent_at, j.last_error FROM survey.mail_job j"
        " JOIN survey.invitation i ON i.id = j.invitation_id WHERE i.cycle_id = :cycle_id"
    )
    jobs = (await session.execute(this_cycles_jobs, {"cycle_id": cycle["id"]})).all()
    assert len(jobs) == len(raters)
    assert all(attempts == 1 and sent_at is None and error for attempts, sent_at, error in jobs)

    # Time passes and the server is back: the same jobs go out.
    await session.execute(
        text("UPDATE survey.mail_job SET next_attempt_at = now() - interval '1 second' WHERE sent_at IS NULL")
    )
    await session.commit()
    tokens = await survey.tokens(raters)

    for rater in raters:
        assert len(smtp.to(rater["email"])) == already[rater["email"]] + 1
        assert (await client.get(f"/v1/invitations/{tokens[rater['email']]}")).status_code == 200


async def test_the_invitation_mail_names_the_participant_the_closing_date_and_one_personal_link(
    survey: Any, smtp: Any, token_in: Any
) -> None:
    _cycle, raters = await survey.open_360()

    await survey.send_mail()

    message = smtp.to(raters[1]["email"])[0]
    body = message.get_payload(decode=True).decode()
    assert message["Subject"] == "Alex Morgan has asked for your feedback"
    assert raters[1]["email"] in message["To"]
    assert body.count("https://app.hlm.test/feedback/") == 1
    assert len(token_in(message)) >= 43  # 256 random bits
    assert "confidential" in body


async def test_in_development_mail_can_go_to_a_local_maildir(
    survey: Any, settings: Any, sessionmaker: Any, tmp_path: Path
) -> None:
    _, raters = await survey.open_360()
    # As on a fresh checkout, where `make run`'s var/mail has no var/ yet either.
    maildir = tmp_path / "var" / "mail"
    local = settings.model_copy(update={"mail_transport": "file", "mail_directory": maildir})

    await mail_service.deliver_due(sessionmaker, MaildirMailer(local.mail_directory), local)

    delivered = list(mailbox.Maildir(maildir))
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in delivered) == sorted(r["email"] for r in raters)


class _FollowsTheLinkOnArrival:
    """A recipient whose mail provider opens every link the moment the message arrives (link scanners do)."""

    def __init__(self, client: httpx.AsyncClient, addresses: set[str], token_in: Any) -> None:
        self.client, self.addresses, self.token_in = client, addresses, token_in
        self.answers: dict[str, int] = {}

    async def send(self, message: EmailMessage) -> None:
        to = next((address for address in self.addresses if address in message["To"]), None)
        if to is not None:  # other tests' committed mail may be due too
            self.answers[to] = (await self.client.get(f"/v1/invitations/{self.token_in(message)}")).status_code


async def test_a_mailed_link_opens_the_moment_the_mail_arrives(
    database_url: str,
    amqp_url: str,
    smtp: Any,
    auth: Any,
    snapshots: list[QuestionnairePublishedV1],
    hlm_360: QuestionnairePublishedV1,
    hlm_self: QuestionnairePublishedV1,
    client_address: tuple[str, int],
    token_in: Any,
) -> None:
    # On committed data, with no worker of the app's own sending first: the link must work before the
    # sending transaction ends, since the recipient does not wait for it.
    settings = make_settings(database_url, amqp_url, smtp.port)
    async with serving(settings, client_address) as (app, client):
        survey = Survey(
            client, auth, smtp, settings, app.state.sessionmaker, hlm_360, hlm_self, f"participant-{uuid.uuid4()}"
        )
        _, raters = await survey.open_360()
        recipient = _FollowsTheLinkOnArrival(client, {r["email"] for r in raters}, token_in)

        while await mail_service.deliver_due(app.state.sessionmaker, recipient, settings):
            pass

        assert recipient.answers == {r["email"]: 200 for r in raters}
