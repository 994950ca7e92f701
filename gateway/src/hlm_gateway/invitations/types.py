"""What a rater's invitation link opens, shown to whoever holds the token: exactly what survey-svc
shows them, and never anything that says who else was asked or who has answered."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from hlm_gateway.catalogue.types import Questionnaire
from hlm_gateway.problems import FieldProblem
from hlm_gateway.responses.types import Response, ResponseRejected, answered_questionnaire_from, response_from
from hlm_gateway.upstream.survey import InvitationView


@strawberry.enum
class InvitationStage(Enum):
    APPROVAL = "approval"
    FEEDBACK = "feedback"


@strawberry.type(description="A rater the participant nominated, as their line manager is asked to approve it.")
class NominationToApprove:
    name: str
    rater_group: str


@strawberry.type(description="A rater's invitation, opened with the token of their link.")
class Invitation:
    stage: InvitationStage = strawberry.field(
        description="FEEDBACK: the questionnaire to answer. APPROVAL: the line manager is first asked to "
        "approve the participant's nominations, and the questionnaire follows."
    )
    status: str = strawberry.field(description="not_started or draft (a link stops working once submitted)")
    participant_name: str
    rater_group: str
    closes_at: datetime | None
    questionnaire: Questionnaire | None
    questionnaire_id: strawberry.ID | None = strawberry.field(
        description="The questionnaire's id (questionnaire.id), read without the questionnaire itself: a client "
        "that holds that questionnaire already (a published one never changes) leaves questionnaire out of its "
        "query. Null at the APPROVAL stage."
    )
    draft: Response | None
    draft_saved_at: datetime | None
    nominations: list[NominationToApprove] | None = strawberry.field(
        default=None,
        description="APPROVAL: whom the participant nominated, by name and group (never an address), for "
        "approveNominations or rejectNominations. Null at the FEEDBACK stage.",
    )


@strawberry.type(
    description="One page of the questionnaire was saved into the draft; the whole draft, as it now stands, is "
    "here, so the next page can be chosen without reading the invitation again."
)
class InvitationPageSaved:
    saved_at: datetime
    draft: Response


SaveInvitationPageResult = Annotated[
    InvitationPageSaved | ResponseRejected, strawberry.union("SaveInvitationPageResult")
]


@strawberry.type(description="The nominations were sent back to the participant, whose cycle is a draft again.")
class NominationsRejected:
    note: str | None = strawberry.field(description="What the participant is asked to change, as it was sent.")


@strawberry.type(
    description="The nominations cannot be decided now: they are decided already, the closing date has passed "
    "(the participant has to extend it first), or the note cannot be taken. Nothing was changed."
)
class NominationsDecisionRefused:
    message: str
    code: str | None = strawberry.field(description="survey-svc's code, e.g. invitation-stage-conflict.")
    problems: list[FieldProblem] = strawberry.field(
        description='Each problem with what was sent, located by the mutation\'s arguments, e.g. ["note"].'
    )


ApproveNominationsResult = Annotated[
    Invitation | NominationsDecisionRefused, strawberry.union("ApproveNominationsResult")
]
RejectNominationsResult = Annotated[
    NominationsRejected | NominationsDecisionRefused, strawberry.union("RejectNominationsResult")
]


def invitation_from(data: InvitationView) -> Invitation:
    # Each nomination's address stays in survey-svc: the line manager decides on names and groups.
    nominations = data.nominations
    return Invitation(
        stage=InvitationStage(data.stage.value),
        status="draft" if data.draft else "not_started",
        participant_name=data.participant_name,
        rater_group=data.rater_group.value,
        closes_at=data.closes_at,
        questionnaire=answered_questionnaire_from(data.questionnaire) if data.questionnaire else None,
        questionnaire_id=None if data.questionnaire_id is None else strawberry.ID(str(data.questionnaire_id)),
        draft=response_from(data.draft) if data.draft else None,
        draft_saved_at=data.draft_saved_at,
        nominations=None
        if nominations is None
        else [NominationToApprove(name=n.name, rater_group=n.rater_group.value) for n in nominations],
    )
