"""Events produced by survey-svc.

Nothing here names a rater. A response says which group its rater answered in, never who the rater is;
the one trace of a rater that leaves survey-svc is the keyed hash of their email address in
`RaterNominatedV1`, which lets facilitator-svc keep a participant's raters from facilitating them.
"""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, model_validator

from hlm_contracts.base import (
    Count,
    EventData,
    EventPart,
    Key,
    OrganisationCode,
    Region,
    Subject,
    Text,
    duplicates,
)
from hlm_contracts.enums import CycleKind, NominatedRaterGroup, RaterGroup, RatingLevel, ReleaseMode

# Lower-case hex of an HMAC-SHA256 (64 characters) of the rater's email address, trimmed and lower-cased
# before hashing. The key is a secret shared by survey-svc and facilitator-svc and by no one else, so the
# hash cannot be reversed by trying likely addresses.
EmailHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Thresholds(EventPart):
    """The least number of submitted responses for a rater group to be shown on its own in a report.

    The line manager is shown from one response: identifiable by design, and the report says so.
    """

    line_manager: int = Field(default=1, ge=1)
    peer: int = Field(default=3, ge=1)
    direct_report: int = Field(default=3, ge=1)
    other: int = Field(default=3, ge=1)
    others_total: int = Field(
        default=4,
        ge=1,
        description="Responses needed from all raters but self together; below it no 360 report is produced.",
    )


class CycleOpenedV1(EventData):
    """An assessment cycle opened for a participant."""

    type: ClassVar[str] = "hlm.survey.cycle.opened.v1"
    source: ClassVar[str] = "survey-svc"

    cycle_id: UUID
    kind: CycleKind
    participant_id: Subject = Field(description="The `sub` of the participant's token.")
    organisation: OrganisationCode
    region: Region
    questionnaire_id: UUID
    closes_at: AwareDatetime
    thresholds: Thresholds = Field(default_factory=Thresholds)
    release_mode: ReleaseMode = ReleaseMode.COACHED
    team_cycle_id: UUID | None = Field(
        default=None, description="For a member of a team 360: the team cycle that groups its participants."
    )


class RaterNominatedV1(EventData):
    """A participant nominated a rater. Carries a keyed hash of the rater's email, never the rater."""

    type: ClassVar[str] = "hlm.survey.rater.nominated.v1"
    source: ClassVar[str] = "survey-svc"

    cycle_id: UUID
    participant_id: Subject
    rater_group: NominatedRaterGroup
    rater_email_hash: EmailHash = Field(
        description=(
            "Lower-case hex of HMAC-SHA256, under a key shared by survey-svc and facilitator-svc, "
            "of the rater's email address trimmed and lower-cased."
        )
    )


class Answer(EventPart):
    """A rater's answer to one item."""

    item_key: Key
    level: RatingLevel | None = Field(description="The level given; null when the rater has not observed it.")


class ImportanceRating(EventPart):
    """How important the rater judges a dimension to be for the participant's role, 1 (least) to 4."""

    dimension_key: Key
    rating: int = Field(ge=1, le=4)


class DimensionComment(EventPart):
    """A rater's comment on one dimension, shown verbatim."""

    dimension_key: Key
    text: Text


class ResponseSubmittedV1(EventData):
    """A rater submitted their response. It says which group they answered in, never who they are."""

    type: ClassVar[str] = "hlm.survey.response.submitted.v1"
    source: ClassVar[str] = "survey-svc"

    cycle_id: UUID
    response_id: UUID
    rater_group: RaterGroup
    answers: list[Answer]
    importance: list[ImportanceRating]
    comments: list[DimensionComment]
    submitted_at: AwareDatetime

    @model_validator(mode="after")
    def _one_answer_each(self) -> ResponseSubmittedV1:
        problems = [
            *duplicates("answer to item", (a.item_key for a in self.answers)),
            *duplicates("importance rating for dimension", (r.dimension_key for r in self.importance)),
            *duplicates("comment on dimension", (c.dimension_key for c in self.comments)),
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class CycleClosedV1(EventData):
    """A cycle closed: no further response is accepted. Counts are per rater group."""

    type: ClassVar[str] = "hlm.survey.cycle.closed.v1"
    source: ClassVar[str] = "survey-svc"

    cycle_id: UUID
    participant_id: Subject
    invited: dict[RaterGroup, Count]
    submitted: dict[RaterGroup, Count]
    closed_at: AwareDatetime


class ParticipantErasedV1(EventData):
    """A participant's data was erased. Every consumer deletes what it holds about that person."""

    type: ClassVar[str] = "hlm.survey.participant.erased.v1"
    source: ClassVar[str] = "survey-svc"

    participant_id: Subject
    erased_at: AwareDatetime
