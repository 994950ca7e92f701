from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from hlm_contracts import NominatedRaterGroup

RaterName = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S", strip_whitespace=True)]
MAX_RATERS_PER_CYCLE = 40


class RaterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RaterName
    email: EmailStr
    rater_group: NominatedRaterGroup


class NominationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    raters: list[RaterIn] = Field(min_length=1, max_length=MAX_RATERS_PER_CYCLE)


class RaterOut(BaseModel):
    """A nomination as the participant made it. Whether this rater has answered is never shown."""

    id: UUID
    name: str
    email: str
    rater_group: NominatedRaterGroup
    nominated_at: datetime


class RaterList(BaseModel):
    items: list[RaterOut]


class RemindersQueued(BaseModel):
    reminded: int = Field(description="How many raters who have not answered get a reminder.")
