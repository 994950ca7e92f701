"""Starting a participant's cycle: its input, nominations as the participant sees them, and the typed
refusals of the cycle's writes."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from hlm_gateway.journey.types import Cycle
from hlm_gateway.problems import FieldProblem
from hlm_gateway.upstream.survey import RaterOut
from hlm_gateway.vocabulary import CycleKind, ReleaseMode


# Not hlm_contracts' RaterGroup: a participant nominates in every group but SELF (NominatedRaterGroup), and
# an input enum offering SELF would invite a value every service refuses.
@strawberry.enum(description="The groups a participant nominates raters in (their own answers are not one).")
class RaterGroup(Enum):
    LINE_MANAGER = "line_manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    OTHER = "other"


@strawberry.input(description="The least responses per group; survey-svc's defaults are also floors.")
class ThresholdsInput:
    line_manager: int = 1
    peer: int = 3
    direct_report: int = 3
    other: int = 3
    others_total: int = 4


@strawberry.input
class CreateCycleInput:
    kind: CycleKind
    questionnaire_id: strawberry.ID
    participant_name: str
    self_questionnaire_id: strawberry.ID | None = None
    team_cycle_id: strawberry.ID | None = None
    thresholds: ThresholdsInput | None = None
    release_mode: ReleaseMode = ReleaseMode.COACHED
    requires_approval: bool = False


@strawberry.input
class RaterInput:
    name: str
    email: str
    rater_group: RaterGroup


@strawberry.type(description="A nominated rater as the app shows them: never their address, nor whether they answered.")
class Nomination:
    id: strawberry.ID
    rater_group: str
    name: str


@strawberry.type(description="The cycle could not open; it stays a draft. Every reason is listed.")
class ThresholdNotMet:
    message: str
    problems: list[FieldProblem]


OpenCycleResult = Annotated[Cycle | ThresholdNotMet, strawberry.union("OpenCycleResult")]


@strawberry.type
class RemindersSent:
    reminded: int = strawberry.field(
        description="How many raters who have neither submitted nor declined are reminded."
    )


@strawberry.type(description="The raters were nominated; once the cycle is open each is invited at once.")
class RatersNominated:
    nominations: list[Nomination]


@strawberry.type(
    description="The nomination is withdrawn; the rater's link stops working. The same whether or not they "
    "had answered."
)
class RaterRemoved:
    rater_id: strawberry.ID


@strawberry.type(
    description="survey-svc refused the change to the cycle and changed nothing. Every reason it gave is listed."
)
class CycleRefused:
    message: str
    code: str | None = strawberry.field(
        description="survey-svc's code: cycle-state-conflict (the cycle is not in a state that allows this: a "
        "self-assessment, a draft, not open, or nominations awaiting approval), report-released, "
        "minimums-not-met, validation-error (see problems), idempotency-key-reused."
    )
    problems: list[FieldProblem] = strawberry.field(
        description='Located by the mutation\'s arguments as the app sent them, e.g. ["input", "thresholds", '
        '"peer"], ["raters", "2", "email"] or ["closesAt"].'
    )


CreateCycleResult = Annotated[Cycle | CycleRefused, strawberry.union("CreateCycleResult")]
NominateRatersResult = Annotated[RatersNominated | CycleRefused, strawberry.union("NominateRatersResult")]
RemoveRaterResult = Annotated[RaterRemoved | CycleRefused, strawberry.union("RemoveRaterResult")]
SendRemindersResult = Annotated[RemindersSent | CycleRefused, strawberry.union("SendRemindersResult")]
ExtendCycleResult = Annotated[Cycle | CycleRefused, strawberry.union("ExtendCycleResult")]
CloseCycleResult = Annotated[Cycle | CycleRefused, strawberry.union("CloseCycleResult")]


def create_body(input: CreateCycleInput) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": input.kind.value,
        "questionnaire_id": str(input.questionnaire_id),
        "participant_name": input.participant_name,
        "release_mode": input.release_mode.value,
        "requires_approval": input.requires_approval,
    }
    if input.self_questionnaire_id is not None:
        body["self_questionnaire_id"] = str(input.self_questionnaire_id)
    if input.team_cycle_id is not None:
        body["team_cycle_id"] = str(input.team_cycle_id)
    if input.thresholds is not None:
        body["thresholds"] = vars(input.thresholds)
    return body


def nomination_from(data: RaterOut) -> Nomination:
    return Nomination(id=strawberry.ID(str(data.id)), rater_group=data.rater_group.value, name=data.name)
