from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from hlm_contracts.base import Key
from hlm_kit.pagination import Page

Context = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]
Narrative = Annotated[str, StringConstraints(min_length=1, max_length=10000, pattern=r"\S")]
DimensionKeys = Annotated[list[Key], Field(min_length=1, max_length=20)]


def _unique(keys: list[str] | None) -> list[str] | None:
    if keys is not None and len(set(keys)) != len(keys):
        raise ValueError("each dimension once")
    return keys


class ObservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observed_on: date = Field(description="When the behaviour was seen (not in the future).")
    context: Context = Field(description="Where, and what was going on.")
    what_happened: Narrative
    dimension_keys: DimensionKeys = Field(description="HLM dimension keys the behaviour shows.")
    reflection: Narrative | None = None

    _unique_keys = field_validator("dimension_keys")(_unique)


class ObservationPatch(BaseModel):
    """The fields to change; those left out stay as they are (``reflection: null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    observed_on: date | None = None
    context: Context | None = None
    what_happened: Narrative | None = None
    dimension_keys: DimensionKeys | None = None
    reflection: Narrative | None = None

    _unique_keys = field_validator("dimension_keys")(_unique)


class ObservationOut(BaseModel):
    id: UUID
    observed_on: date
    context: str
    what_happened: str
    dimension_keys: list[str]
    reflection: str | None
    created_at: datetime
    updated_at: datetime


class ObservationList(Page[ObservationOut]):
    pass


MAX_SUMMARY_DAYS = 3 * 366
DEFAULT_SUMMARY_DAYS = 365


class SummaryPeriod(BaseModel):
    """The days a journal summary covers: up to ``to`` (default: today), from ``from`` (default: a year
    before ``to``); it runs forwards and spans at most ``MAX_SUMMARY_DAYS`` days (three years)."""

    from_: date | None = Field(default=None, alias="from", description="first day (default: a year ago)")
    to: date | None = Field(default=None, description="last day (default: today)")

    @property
    def on_or_before(self) -> date:
        return self.to or datetime.now(UTC).date()

    @property
    def on_or_after(self) -> date:
        return self.from_ or self.on_or_before - timedelta(days=DEFAULT_SUMMARY_DAYS)

    @model_validator(mode="after")
    def _runs_forwards(self) -> Self:
        if not 0 <= (self.on_or_before - self.on_or_after).days <= MAX_SUMMARY_DAYS:
            # Raised as a ValidationError so that the error names ``from``, not the period as a whole.
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "bad_period", f"from must be on or before to, and at most {MAX_SUMMARY_DAYS} days earlier"
                        ),
                        loc=("from",),
                        input=self.from_,
                    )
                ],
            )
        return self
