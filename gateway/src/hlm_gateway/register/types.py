"""The public register as anyone signed in reads it: each entry carries only what its facilitator chose to
publish, and a field they keep to themself is null here, as it is absent from facilitator-svc's answer."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from hlm_gateway.facilitators.types import SessionMode
from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream import facilitator as api
from hlm_gateway.vocabulary import AccreditationLevel, SessionKind


@strawberry.type(
    description="A facilitator as the public register shows them. Every field but the id is null unless the "
    "facilitator chose to publish it."
)
class RegisterEntry:
    id: strawberry.ID
    name: str | None
    organisation: str | None
    region: str | None
    modes: list[SessionMode] | None
    languages: list[str] | None = strawberry.field(description="ISO 639 codes, as en, cy or pt-BR.")
    specialisms: list[str] | None = strawberry.field(description="Keys of the specialisms query's list.")
    accreditation_level: AccreditationLevel | None
    session_kinds: list[SessionKind] | None = strawberry.field(
        description="The kinds of session the facilitator offers."
    )


def register_entry_from(data: api.RegisterEntry) -> RegisterEntry:
    return RegisterEntry(
        id=strawberry.ID(str(data.id)),
        name=data.name,
        organisation=data.organisation,
        region=data.region,
        modes=None if data.modes is None else [SessionMode(m.value) for m in data.modes],
        languages=data.languages,
        specialisms=data.specialisms,
        accreditation_level=None
        if data.accreditation_level is None
        else AccreditationLevel(data.accreditation_level.value),
        session_kinds=None if data.session_kinds is None else [SessionKind(k.value) for k in data.session_kinds],
    )


@strawberry.enum(description="A field of a facilitator's entry that they may show on the public register.")
class RegisterField(Enum):
    NAME = "name"
    ORGANISATION = "organisation"
    REGION = "region"
    MODES = "modes"
    LANGUAGES = "languages"
    SPECIALISMS = "specialisms"
    SESSION_KINDS = "session_kinds"
    ACCREDITATION_LEVEL = "accreditation_level"


@strawberry.type(description="A facilitator's own choices for the public register, and their entry as others see it.")
class RegisterListing:
    is_listed: bool = strawberry.field(description="Whether the register shows them at all.")
    published_fields: list[RegisterField] = strawberry.field(description="What their entry shows besides its id.")
    session_kinds: list[SessionKind] = strawberry.field(
        description="The kinds of session they offer, and may be booked for."
    )
    is_shown: bool = strawberry.field(
        description="Whether searches find them now: listed, active and with a current accreditation."
    )
    entry: RegisterEntry = strawberry.field(description="Their entry as everyone else sees it when they are shown.")


@strawberry.type(description="The register did not take a facilitator's choices; nothing was changed.")
class RegisterListingRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


SetRegisterListingResult = Annotated[
    RegisterListing | RegisterListingRefused, strawberry.union("SetRegisterListingResult")
]


@strawberry.input(description="A facilitator's choices for the public register, replacing their previous ones.")
class RegisterListingInput:
    is_listed: bool = strawberry.field(description="Whether the register shows you at all.")
    published_fields: list[RegisterField] = strawberry.field(
        description="What your entry shows besides its id; the rest of your profile is never shown."
    )
    session_kinds: list[SessionKind] | None = strawberry.field(
        default=None,
        description="The kinds of session you offer, which the register shows and which you may be booked for; "
        "left out, they stay as they are.",
    )


def listing_body(input: RegisterListingInput) -> dict[str, object]:
    body: dict[str, object] = {
        "is_listed": input.is_listed,
        "published_fields": [f.value for f in input.published_fields],
    }
    if input.session_kinds is not None:
        body["session_kinds"] = [k.value for k in input.session_kinds]
    return body


def listing_from(data: api.PublicationOut) -> RegisterListing:
    return RegisterListing(
        is_listed=data.is_listed,
        published_fields=[RegisterField(f.value) for f in data.published_fields],
        session_kinds=[SessionKind(k.value) for k in data.session_kinds],
        is_shown=data.is_shown,
        entry=register_entry_from(data.entry),
    )
