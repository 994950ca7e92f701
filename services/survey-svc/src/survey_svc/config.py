from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """survey-svc settings, read from ``SURVEY_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SURVEY_")

    # The key of the HMAC that turns a rater's email into the hash facilitator-svc checks conflicts
    # with. Shared with facilitator-svc and no one else; without it the hash could be reversed by
    # hashing likely addresses, so it has no default.
    email_hash_key: SecretStr

    # Where a rater's link points: the web front's answer page, which opens the questionnaire. The token
    # is appended.
    invitation_link_base_url: str = "http://127.0.0.1:8080/answer/"

    # Outgoing mail: SMTP in deployments; "file" writes each message into a local Maildir instead,
    # for development machines without a mail server.
    mail_transport: Literal["smtp", "file"] = "smtp"
    mail_from: str = "HLM feedback <no-reply@hlm.example.org>"
    mail_directory: Path = Path("var/mail")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_use_tls: bool = False
    smtp_start_tls: bool = False
    smtp_timeout_s: float = 20.0
    mail_poll_interval_s: float = 2.0
    mail_batch_size: int = 20
    mail_max_attempts: int = 8
    mail_retry_base_delay_s: float = 30.0

    # Goals whose reminder date has come get their reminder mail queued by a periodic task (dates are UTC).
    goal_reminder_poll_interval_s: float = 60.0
    goal_reminder_batch_size: int = 100

    # Cycles past their closing date are closed by a periodic task; replicas share the work safely.
    closing_poll_interval_s: float = 30.0
    closing_batch_size: int = 50

    # A 360 stays open at most this long; a closing date further out is refused.
    max_cycle_duration_days: int = 120

    # The smallest group sizes a cycle may ask for: the confidentiality floors (DOMAIN.md). A cycle may
    # raise them, never lower them.
    min_line_manager: int = 1
    min_peer: int = 3
    min_direct_report: int = 3
    min_other: int = 3
    min_others_total: int = 4

    # Guessing rater tokens: at most this many failed look-ups per client address per window.
    token_failures_per_window: int = 20
    token_failure_window_s: int = 300

    @model_validator(mode="after")
    def _email_hash_key_is_strong(self) -> Settings:
        if len(self.email_hash_key.get_secret_value()) < 32:
            raise ValueError("email_hash_key must be at least 32 characters")
        return self
