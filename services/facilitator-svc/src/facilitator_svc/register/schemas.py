from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from facilitator_svc.facilitators.schemas import _unique
from facilitator_svc.vocabulary import (
    DEFAULT_PUBLISHED_FIELDS,
    AccreditationLevel,
    Mode,
    PublishedField,
    SessionKind,
)
from hlm_kit.pagination import Page

PublishedFields = Annotated[list[PublishedField], AfterValidator(_unique)]
SessionKinds = Annotated[list[SessionKind], Field(min_length=1), AfterValidator(_unique)]


class PublicationIn(BaseModel):
    """A facilitator's choices for the public register, replaced whole."""

    model_config = ConfigDict(extra="forbid")

    is_listed: bool = Field(description="Whether the register shows you at all.")
    published_fields: PublishedFields = Field(
        default=list(DEFAULT_PUBLISHED_FIELDS),
        description="What your entry shows besides its id; the rest of your profile is never shown.",
    )
    session_kinds: SessionKinds | None = Field(
        default=None,
        description="The kinds of session you offer, which the register shows and which you may be booked for; "
        "left out, they stay as they are.",
    )


class RegisterEntry(BaseModel):
    """A facilitator as the register shows them: only the fields they chose to publish are present."""

    id: UUID
    name: str | None = None
    organisation: str | None = None
    region: str | None = None
    modes: list[Mode] | None = None
    languages: list[str] | None = None
    specialisms: list[str] | None = None
    session_kinds: list[SessionKind] | None = None
    accreditation_level: AccreditationLevel | None = None


class PublicationOut(BaseModel):
    is_listed: bool
    published_fields: list[PublishedField]
    session_kinds: list[SessionKind]
    is_shown: bool = Field(
        description="Whether searches find you now: listed, active and with a current accreditation."
    )
    entry: RegisterEntry = Field(description="Your entry as everyone else sees it when you are shown.")


class RegisterPage(Page[RegisterEntry]):
    pass
