"""The HLM app's journal: observations of leadership behaviour and development goals, each private to its
author, tagged with dimensions of the Healthcare Leadership Model; and the typed refusals of their writes."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from hlm_gateway.catalogue.types import Dimension, framework_from
from hlm_gateway.context import Context
from hlm_gateway.problems import FieldProblem, refused_as
from hlm_gateway.upstream.survey import GoalOut, ObservationOut
from hlm_gateway.upstream.survey import SavedResource as SavedResourceOut
from hlm_gateway.vocabulary import ResourceKind
from hlm_kit.errors import Problem

# survey-svc checks the tags of entries and goals against this framework's dimensions.
HLM_FRAMEWORK_KEY = "hlm"


async def hlm_dimensions(info: Info[Context, None], keys: list[str]) -> list[Dimension]:
    """The dimensions named by ``keys``, in that order, as the latest HLM describes them (one framework-svc
    call per request however many entries ask)."""
    framework = framework_from(await info.context.loaders.framework.load((HLM_FRAMEWORK_KEY, None)))
    by_key = {dimension.key: dimension for dimension in framework.dimensions}
    return [by_key[key] for key in keys if key in by_key]


@strawberry.type(description="A leadership behaviour its author saw, in others or themself. Only its author sees it.")
class Observation:
    id: strawberry.ID
    observed_on: date
    context: str = strawberry.field(description="Where, and what was going on.")
    what_happened: str
    dimension_keys: list[str] = strawberry.field(description="Keys of the HLM dimensions the behaviour shows.")
    reflection: str | None
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The dimensions it is tagged with, named as the latest HLM names them.")
    async def dimensions(self, info: Info[Context, None]) -> list[Dimension] | None:
        return await hlm_dimensions(info, self.dimension_keys)


@strawberry.enum
class GoalStatus(Enum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


@strawberry.enum(description="Whether a resource saved to a goal is still offered.")
class SavedResourceStatus(Enum):
    PUBLISHED = "published"
    RETIRED = "retired"


@strawberry.type(description="A development resource its author saved to a goal: what they mean to read, take or try.")
class SavedResource:
    key: str = strawberry.field(description="The resource's key (Query.resource reads it whole while published).")
    title: str = strawberry.field(description="Its title now; once retired, the title it had when it was saved.")
    kind: ResourceKind
    link: str | None = strawberry.field(description="Where to find it, when it is online; none once retired.")
    status: SavedResourceStatus = strawberry.field(
        description="RETIRED: no longer offered; it stays on the goal until its author removes it."
    )
    saved_at: datetime


@strawberry.type(description="A development goal with an optional reminder date. Only its author sees it.")
class Goal:
    id: strawberry.ID
    title: str
    description: str | None
    dimension_keys: list[str]
    target_on: date | None
    remind_on: date | None = strawberry.field(description="When the app should remind the author.")
    remind_by_mail: bool = strawberry.field(
        description="The reminder is mailed to the author when its date comes (once per date), at the email "
        "address their sign-in has verified; false: it is shown in the app only."
    )
    status: GoalStatus
    reminder_due: bool = strawberry.field(description="Active, with a reminder date that has come.")
    saved_resources: list[SavedResource] = strawberry.field(
        description="The development resources its author saved to it (saveResourceToGoal), in the order saved."
    )
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The dimensions it is tagged with, named as the latest HLM names them.")
    async def dimensions(self, info: Info[Context, None]) -> list[Dimension] | None:
        return await hlm_dimensions(info, self.dimension_keys)


@strawberry.input
class RecordObservationInput:
    observed_on: date = strawberry.field(description="When the behaviour was seen (not in the future).")
    context: str = strawberry.field(description="Where, and what was going on.")
    what_happened: str
    dimension_keys: list[str] = strawberry.field(description="One or more HLM dimension keys, each once.")
    reflection: str | None = None


@strawberry.input(description="The fields to change; those left out stay as they are (`reflection: null` clears it).")
class UpdateObservationInput:
    observed_on: date | None = strawberry.UNSET
    context: str | None = strawberry.UNSET
    what_happened: str | None = strawberry.UNSET
    dimension_keys: list[str] | None = strawberry.UNSET
    reflection: str | None = strawberry.UNSET


@strawberry.input
class SetGoalInput:
    title: str
    description: str | None = None
    dimension_keys: list[str] = strawberry.field(default_factory=list)
    target_on: date | None = None
    remind_on: date | None = strawberry.field(default=None, description="Not in the past.")
    remind_by_mail: bool | None = strawberry.field(
        default=False,
        description="Have the reminder mailed to you when its date comes, at the email address your sign-in has "
        "verified (refused as GoalRejected when it carries none). The mail carries the goal's title only.",
    )


@strawberry.input(description="The fields to change; those left out stay as they are (null clears an optional one).")
class UpdateGoalInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    dimension_keys: list[str] | None = strawberry.UNSET
    target_on: date | None = strawberry.UNSET
    remind_on: date | None = strawberry.field(
        default=strawberry.UNSET, description="A new date arms the reminder (and its mail) again."
    )
    remind_by_mail: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Mail the reminder to your verified email address (refused as GoalRejected when your sign-in "
        "carries none), or keep it in the app only. Left out: as it was; a goal reminded by mail then takes the "
        "verified address of the sign-in changing it.",
    )
    status: GoalStatus | None = strawberry.UNSET


@strawberry.type(description="The observation was not recorded or changed; nothing was stored. Every reason is listed.")
class ObservationRejected:
    message: str
    problems: list[FieldProblem]


@strawberry.type(description="The goal was not set or changed; nothing was stored. Every reason is listed.")
class GoalRejected:
    message: str
    problems: list[FieldProblem]


ObservationResult = Annotated[Observation | ObservationRejected, strawberry.union("ObservationResult")]
GoalResult = Annotated[Goal | GoalRejected, strawberry.union("GoalResult")]


def observation_from(data: ObservationOut) -> Observation:
    return Observation(
        id=strawberry.ID(str(data.id)),
        observed_on=data.observed_on,
        context=data.context,
        what_happened=data.what_happened,
        dimension_keys=data.dimension_keys,
        reflection=data.reflection,
        created_at=data.created_at,
        updated_at=data.updated_at,
    )


def goal_from(data: GoalOut) -> Goal:
    return Goal(
        id=strawberry.ID(str(data.id)),
        title=data.title,
        description=data.description,
        dimension_keys=data.dimension_keys,
        target_on=data.target_on,
        remind_on=data.remind_on,
        remind_by_mail=data.remind_by_mail,
        status=GoalStatus(data.status.value),
        reminder_due=data.reminder_due,
        saved_resources=[saved_resource_from(saved) for saved in data.saved_resources or []],
        created_at=data.created_at,
        updated_at=data.updated_at,
    )


def saved_resource_from(data: SavedResourceOut) -> SavedResource:
    return SavedResource(
        key=data.key,
        title=data.title,
        kind=ResourceKind(data.kind),
        link=data.link,
        status=SavedResourceStatus(data.status.value),
        saved_at=data.saved_at,
    )


def record_body(input: RecordObservationInput | SetGoalInput) -> dict[str, object]:
    """survey-svc's ObservationIn or GoalIn: the same field names, dates as ISO strings."""
    return {name: _json(value) for name, value in vars(input).items()}


def changes_body(input: UpdateObservationInput | UpdateGoalInput) -> dict[str, object]:
    """survey-svc's ObservationPatch or GoalPatch: only the fields given, so a null reaches it as a null
    (clearing the field, or refused when the field cannot be cleared) and a field left out stays as it is."""
    return {name: _json(value) for name, value in vars(input).items() if value is not strawberry.UNSET}


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def resource_not_saved_from(problem: Problem) -> GoalRejected:
    """survey-svc's refusal of a resource key (``path.resource_key``), located at the mutation's
    ``resourceKey`` argument."""
    rejected = refused_as(GoalRejected, problem, fallback="the resource cannot be saved")
    for found in rejected.problems:
        if found.location == ["path", "resource_key"]:
            found.location = ["resourceKey"]
    return rejected
