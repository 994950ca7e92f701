"""The words the register is written in: session modes, accreditation levels, statuses, specialisms
and languages. Fixed lists, so a typo in an import or a profile is refused instead of quietly making
a facilitator unmatchable."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# The levels are part of the accreditation event, so they are the contracts' own.
from hlm_contracts import AccreditationLevel as AccreditationLevel

# What a facilitator offers, and what a slot and a booking are: 360 feedback sessions, and coaching or
# mentoring under the same rules. The session events carry it, so it is the contracts' own too.
from hlm_contracts import SessionKind as SessionKind


class Mode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"


class PublishedField(StrEnum):
    """What a facilitator may show of their entry on the public register. Contact details, conflicts,
    location, capacity and the account they sign in with are never among them."""

    NAME = "name"
    ORGANISATION = "organisation"
    REGION = "region"
    MODES = "modes"
    LANGUAGES = "languages"
    SPECIALISMS = "specialisms"
    SESSION_KINDS = "session_kinds"
    ACCREDITATION_LEVEL = "accreditation_level"


# Until a facilitator chooses otherwise, a listed entry says where and how they work and what they offer,
# and nothing that names them: publishing a name or an employer is the person's own decision.
DEFAULT_PUBLISHED_FIELDS: tuple[PublishedField, ...] = (
    PublishedField.REGION,
    PublishedField.MODES,
    PublishedField.SESSION_KINDS,
)


class FacilitatorStatus(StrEnum):
    ACTIVE = "active"
    # Paused: on leave, or taking no new sessions for a while.
    INACTIVE = "inactive"
    # Left the register; kept for the history of their sessions.
    WITHDRAWN = "withdrawn"


# What a facilitator has experience in, as academies commission feedback sessions.
SPECIALISMS: dict[str, str] = {
    "clinical_leadership": "Clinicians moving into leadership",
    "first_line_management": "First-line managers and supervisors",
    "middle_management": "Middle managers leading services",
    "senior_leadership": "Senior and executive leaders",
    "board_development": "Board members and non-executives",
    "team_360": "Team 360 and group feedback",
    "inclusive_leadership": "Inclusive and compassionate leadership",
    "career_transition": "Leaders changing role or sector",
    "primary_care": "Primary care",
    "mental_health": "Mental health services",
    "acute_care": "Acute hospital care",
    "community_care": "Community and social care",
    "ambulance_services": "Ambulance and urgent care",
    "education_and_research": "Education and research",
}

# ISO 639 language codes, optionally with a region ("en", "cy", "pa", "pt-BR").
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def _known_specialism(value: str) -> str:
    if value not in SPECIALISMS:
        raise ValueError(f"unknown specialism {value!r}; see GET /v1/specialisms")
    return value


Specialism = Annotated[str, AfterValidator(_known_specialism)]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN.pattern)]
# An organisation code as the tokens carry it (an ODS code such as "RX1").
OrganisationCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]
Region = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
ParticipantId = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"\S")]
