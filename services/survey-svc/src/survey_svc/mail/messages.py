"""The words of the mails raters receive, and of the reminders authors set on their development goals."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from survey_svc.mail.models import MailKind


def _date(moment: datetime | None) -> str:
    return moment.strftime("%A %d %B %Y, %H:%M UTC") if moment else "the closing date"


def compose(
    kind: MailKind,
    *,
    sender: str,
    rater_name: str,
    rater_email: str,
    participant_name: str,
    link: str,
    closes_at: datetime | None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((rater_name, rater_email))
    message["Message-ID"] = make_msgid(domain="hlm.example.org")
    if kind == MailKind.APPROVAL_REQUEST:
        message["Subject"] = f"{participant_name} asks you to approve their feedback raters"
        body = (
            f"Dear {rater_name},\n\n"
            f"{participant_name} is starting 360 feedback on their leadership and has named you as their line "
            "manager. Before anyone is invited, please look at the people they have asked and approve the list, "
            "or send it back with a note:\n\n"
            f"{link}\n\n"
            "Once you approve, you will be asked for your own feedback through the same link.\n"
        )
    else:
        prefix = "Reminder: " if kind == MailKind.REMINDER else ""
        message["Subject"] = f"{prefix}{participant_name} has asked for your feedback"
        opening = (
            f"This is a reminder that {participant_name} would value your feedback."
            if kind == MailKind.REMINDER
            else f"{participant_name} has asked you for feedback on their leadership."
        )
        body = (
            f"Dear {rater_name},\n\n"
            f"{opening} It takes about 20 minutes. You can save your answers and come back to them "
            f"before {_date(closes_at)}.\n\n"
            f"{link}\n\n"
            "Your answers are confidential: they are combined with other raters' answers and never shown on "
            "their own or with your name. If you would rather not take part, you can decline through the same "
            "link.\n\n"
            "The link is personal to you: please do not forward it.\n"
        )
    message.set_content(body)
    return message


def compose_goal_reminder(*, sender: str, author_email: str, goal_title: str) -> EmailMessage:
    """The reminder of a development goal, to its author's verified address. It carries the goal's
    title and nothing else of the author's journal (no description, dimensions, dates or entries); the
    subject names no goal, so a notification preview shows nothing of it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = author_email
    message["Message-ID"] = make_msgid(domain="hlm.example.org")
    message["Subject"] = "A reminder about your development goal"
    body = (
        "You asked to be reminded today of a development goal you set yourself in the HLM app:\n\n"
        f"    {goal_title}\n\n"
        "Open the app to look at your progress, mark the goal achieved, or set another reminder date.\n\n"
        "You receive this because you asked for the reminders of that goal by mail, and this is the address "
        "your sign-in has verified. Nobody else is sent this reminder.\n"
    )
    message.set_content(body)
    return message
