from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from pydantic import Field, PositiveInt, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from hlm_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    """facilitator-svc settings, read from ``FACILITATOR_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="FACILITATOR_")

    # The key survey-svc hashes raters' emails with (HMAC-SHA256). A secret: no default.
    email_hash_key: SecretStr

    # How long a held slot stays reserved before anyone else may take it.
    hold_ttl_s: int = Field(default=900, gt=0)
    # Capacity is counted per calendar month in this time zone (the academies' local time).
    timezone: str = "Europe/London"
    # The window matching searches when the participant names none.
    match_window_days: int = Field(default=42, gt=0)
    match_max_results: int = Field(default=20, gt=0)
    match_slots_per_facilitator: int = Field(default=3, gt=0)
    # Distance at which an in-person facilitator's place score reaches zero.
    match_reference_distance_km: float = Field(default=80.0, gt=0)

    allocation_max_participants: int = Field(default=5000, gt=0)
    allocation_poll_interval_s: float = Field(default=2.0, gt=0)
    # A job whose worker has not reported for this long is taken over by another replica.
    allocation_stale_after_s: float = Field(default=300.0, gt=0)

    # Facilitator training: the e-learning assessment's pass mark (percent), the feedback sessions a
    # facilitator must have delivered before train-the-trainer, and how long an accreditation lasts.
    training_pass_mark_percent: int = Field(default=80, ge=0, le=100)
    train_the_trainer_min_sessions: int = Field(default=10, ge=0)
    accreditation_valid_years: int = Field(default=3, gt=0)
    # Reminders that an accreditation lapses soon fall due this many days before it does (each once), and
    # are looked for this often and this many per run.
    accreditation_reminder_days: tuple[PositiveInt, ...] = (90, 30)
    accreditation_reminder_interval_s: float = Field(default=3600.0, gt=0)
    accreditation_reminder_batch_size: int = Field(default=200, gt=0)

    register_import_max_rows: int = Field(default=5000, gt=0)
    register_import_max_bytes: int = Field(default=5_000_000, gt=0)
    # A learning system's export of e-learning results: four short columns a row.
    assessment_import_max_rows: int = Field(default=5000, gt=0)
    assessment_import_max_bytes: int = Field(default=1_000_000, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value


async def get_settings(request: Request) -> Settings:
    # Async so that FastAPI reads it on the event loop instead of handing it to the thread pool.
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings)]


def local_date(settings: Settings, moment: datetime) -> date:
    """The calendar date of ``moment`` where the academies are."""
    return moment.astimezone(ZoneInfo(settings.timezone)).date()
