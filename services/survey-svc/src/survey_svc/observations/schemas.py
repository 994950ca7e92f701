from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
