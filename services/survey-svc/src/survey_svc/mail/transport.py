"""Where mail goes: an SMTP server (aiosmtplib), or a local Maildir on development machines."""

from __future__ import annotations

import asyncio
import mailbox
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from survey_svc.config import Settings


class MailNotSent(Exception):
    """The message was not accepted; the mail job tries again later."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_use_tls,
                start_tls=s.smtp_start_tls,
                timeout=s.smtp_timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc


class MaildirMailer:
    """Writes each message as a file of a Maildir (readable with any mail client, or ``mutt -f``)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    async def send(self, message: EmailMessage) -> None:
        def deliver() -> None:
            # Maildir creates its own folder only: on a fresh checkout `var/` is not there yet.
            self._directory.parent.mkdir(parents=True, exist_ok=True)
            mailbox.Maildir(self._directory, create=True).add(message)

        try:
            await asyncio.to_thread(deliver)
        except OSError as exc:
            raise MailNotSent(str(exc)) from exc


def mailer_from(settings: Settings) -> Mailer:
    if settings.mail_transport == "file":
        return MaildirMailer(settings.mail_directory)
    return SmtpMailer(settings)
