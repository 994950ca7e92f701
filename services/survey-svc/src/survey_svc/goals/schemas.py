from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from hlm_contracts.base import Key
from hlm_kit.pagination import Page
from survey_svc.resources.schemas import LinkedResource, SavedResource

Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
Description = Annotated[str, StringConstraints(min_length=1, max_length=10000, pattern=r"\S")]
GoalStatusName = Literal["active", "achieved", "dropped"]

REMIND_BY_MAIL = (
    "Mail the reminder to the author when its date comes (once per reminder date), at the verified email "
    "address their token carries (the `email` claim with `email_verified: true`); 422 when it carries none. "
    "False: the reminder is only listed for the app to show."
)


def _unique(keys: list[str] | None) -> list[str] | None:
    if keys is not None and len(set(keys)) != len(keys):
        raise ValueError("each dimension once")
    return keys


class GoalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description | None = None
    dimension_keys: Annotated[list[Key], Field(max_length=20)] = Field(default_factory=list)
    target_on: date | None = None
    remind_on: date | None = Field(default=None, description="When the app should remind the author.")
    remind_by_mail: bool = Field(default=False, description=REMIND_BY_MAIL)

    _unique_keys = field_validator("dimension_keys")(_unique)


class GoalPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    dimension_keys: Annotated[list[Key], Field(max_length=20)] | None = None
    target_on: date | None = None
    remind_on: date | None = Field(default=None, description="A new date arms the reminder (and its mail) again.")
    remind_by_mail: bool | None = Field(
        default=None,
        description=f"{REMIND_BY_MAIL} Left out: as it was; a goal reminded by mail then takes the verified "
        "address of the token that changes it, if that token carries one (the stored address stays otherwise).",
    )
    status: GoalStatusName | None = None

    _unique_keys = field_validator("dimension_keys")(_unique)


class GoalOut(BaseModel):
    id: UUID
    title: str
    description: str | None
    dimension_keys: list[str]
    target_on: date | None
    remind_on: date | None
    remind_by_mail: bool = Field(
        description="The reminder is mailed to the author's verified address; false: in the app only."
    )
    status: GoalStatusName
    reminder_due: bool = Field(description="Active, with a reminder date that has come.")
    resources: dict[str, list[LinkedResource]] = Field(
        default_factory=dict,
        description="For each of the goal's dimensions (by key), the published development resources that "
        "serve it, by key; an empty list when none is published.",
    )
    saved_resources: list[SavedResource] = Field(
        default_factory=list,
        description="The development resources the author saved to the goal, in the order saved. A resource "
        "retired since stays listed, as retired, until the author removes it.",
    )
    created_at: datetime
    updated_at: datetime


class GoalList(Page[GoalOut]):
    """A page of the author's goals, oldest first."""
