# Generated from survey-svc's OpenAPI document by `make gateway-models` (scripts/gateway_models.py):
# do not edit; generate again when the service's API changes.

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, RootModel


class Level(RootModel[int]):
    root: Annotated[
        int,
        Field(
            description='1 Essential ... 4 Exemplary, or "not_observed"',
            ge=1,
            le=4,
            title="Level",
        ),
    ]


class AnswerIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    item_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Item Key")]
    level: Annotated[
        Level | Literal["not_observed"],
        Field(description='1 Essential ... 4 Exemplary, or "not_observed"', title="Level"),
    ]


class Decision(StrEnum):
    approved = "approved"
    rejected = "rejected"


class Approval(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    decided_at: Annotated[AwareDatetime | None, Field(title="Decided At")]
    decision: Annotated[Decision | None, Field(title="Decision")]
    note: Annotated[str | None, Field(title="Note")]


class CommentIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    text: Annotated[str, Field(max_length=5000, min_length=1, pattern="\\S", title="Text")]


class ParticipantName(RootModel[str]):
    root: Annotated[
        str,
        Field(max_length=200, min_length=1, pattern="\\S", title="Participant Name"),
    ]


class ConvertIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    participant_name: Annotated[ParticipantName | None, Field(title="Participant Name")] = None
    questionnaire_id: Annotated[
        UUID,
        Field(
            description="The published 360 questionnaire (same items as the self-assessment).",
            title="Questionnaire Id",
        ),
    ]


class CycleKind(StrEnum):
    self_assessment = "self_assessment"
    feedback_360 = "feedback_360"
    team_360 = "team_360"


class SelfStatus(StrEnum):
    not_started = "not_started"
    draft = "draft"
    submitted = "submitted"


class Status(StrEnum):
    draft = "draft"
    awaiting_approval = "awaiting_approval"
    open = "open"
    closed = "closed"


class DraftSaved(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    saved_at: Annotated[AwareDatetime, Field(title="Saved At")]


class ExtendIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    closes_at: Annotated[AwareDatetime, Field(title="Closes At")]


class FeedbackSessionOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ends_at: Annotated[AwareDatetime, Field(title="Ends At")]
    starts_at: Annotated[AwareDatetime, Field(title="Starts At")]


class Description(RootModel[str]):
    root: Annotated[str, Field(max_length=10000, min_length=1, pattern="\\S", title="Description")]


class DimensionKey(RootModel[str]):
    root: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$")]


class GoalIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    description: Annotated[Description | None, Field(title="Description")] = None
    dimension_keys: Annotated[list[DimensionKey] | None, Field(max_length=20, title="Dimension Keys")] = None
    remind_by_mail: Annotated[
        bool,
        Field(
            description="Mail the reminder to the author when its date comes (once per reminder date), at the verified email address their token carries (the `email` claim with `email_verified: true`); 422 when it carries none. False: the reminder is only listed for the app to show.",
            title="Remind By Mail",
        ),
    ] = False
    remind_on: Annotated[
        date | None,
        Field(description="When the app should remind the author.", title="Remind On"),
    ] = None
    target_on: Annotated[date | None, Field(title="Target On")] = None
    title: Annotated[str, Field(max_length=200, min_length=1, pattern="\\S", title="Title")]


class Status1(StrEnum):
    active = "active"
    achieved = "achieved"
    dropped = "dropped"


class DimensionKeys(RootModel[list[DimensionKey]]):
    root: Annotated[list[DimensionKey], Field(max_length=20, title="Dimension Keys")]


class Title(RootModel[str]):
    root: Annotated[str, Field(max_length=200, min_length=1, pattern="\\S", title="Title")]


class GoalPatch(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    description: Annotated[Description | None, Field(title="Description")] = None
    dimension_keys: Annotated[DimensionKeys | None, Field(title="Dimension Keys")] = None
    remind_by_mail: Annotated[
        bool | None,
        Field(
            description="Mail the reminder to the author when its date comes (once per reminder date), at the verified email address their token carries (the `email` claim with `email_verified: true`); 422 when it carries none. False: the reminder is only listed for the app to show. Left out: as it was; a goal reminded by mail then takes the verified address of the token that changes it, if that token carries one (the stored address stays otherwise).",
            title="Remind By Mail",
        ),
    ] = None
    remind_on: Annotated[
        date | None,
        Field(
            description="A new date arms the reminder (and its mail) again.",
            title="Remind On",
        ),
    ] = None
    status: Annotated[Status1 | None, Field(title="Status")] = None
    target_on: Annotated[date | None, Field(title="Target On")] = None
    title: Annotated[Title | None, Field(title="Title")] = None


class RaterGroup(StrEnum):
    line_manager = "line_manager"
    peer = "peer"
    direct_report = "direct_report"
    other = "other"


class GroupProgress(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    declined: Annotated[int, Field(title="Declined")]
    invited: Annotated[int, Field(title="Invited")]
    rater_group: Annotated[RaterGroup, Field(title="Rater Group")]
    submitted: Annotated[int, Field(title="Submitted")]


class ImportanceIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    rating: Annotated[int, Field(ge=1, le=4, title="Rating")]


class ImportanceQuestion(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    text: Annotated[str, Field(min_length=1, pattern="\\S", title="Text")]


class Stage(StrEnum):
    approval = "approval"
    feedback = "feedback"


class LinkedResource(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(title="Key")]
    kind: Annotated[
        str,
        Field(
            description="reading, e_learning, course, programme, coaching, mentoring or tool",
            title="Kind",
        ),
    ]
    link: Annotated[
        str | None,
        Field(description="Where to find it, when it is online.", title="Link"),
    ]
    title: Annotated[str, Field(title="Title")]


class NominationView(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    email: Annotated[str, Field(title="Email")]
    name: Annotated[str, Field(title="Name")]
    rater_group: Annotated[RaterGroup, Field(title="Rater Group")]


class Reflection(RootModel[str]):
    root: Annotated[str, Field(max_length=10000, min_length=1, pattern="\\S", title="Reflection")]


class ObservationIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    context: Annotated[
        str,
        Field(
            description="Where, and what was going on.",
            max_length=2000,
            min_length=1,
            pattern="\\S",
            title="Context",
        ),
    ]
    dimension_keys: Annotated[
        list[DimensionKey],
        Field(
            description="HLM dimension keys the behaviour shows.",
            max_length=20,
            min_length=1,
            title="Dimension Keys",
        ),
    ]
    observed_on: Annotated[
        date,
        Field(
            description="When the behaviour was seen (not in the future).",
            title="Observed On",
        ),
    ]
    reflection: Annotated[Reflection | None, Field(title="Reflection")] = None
    what_happened: Annotated[str, Field(max_length=10000, min_length=1, pattern="\\S", title="What Happened")]


class ObservationOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    context: Annotated[str, Field(title="Context")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    dimension_keys: Annotated[list[str], Field(title="Dimension Keys")]
    id: Annotated[UUID, Field(title="Id")]
    observed_on: Annotated[date, Field(title="Observed On")]
    reflection: Annotated[str | None, Field(title="Reflection")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]
    what_happened: Annotated[str, Field(title="What Happened")]


class Context(RootModel[str]):
    root: Annotated[str, Field(max_length=2000, min_length=1, pattern="\\S", title="Context")]


class DimensionKeys1Item(RootModel[str]):
    root: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$")]


class DimensionKeys1(RootModel[list[DimensionKeys1Item]]):
    root: Annotated[
        list[DimensionKeys1Item],
        Field(max_length=20, min_length=1, title="Dimension Keys"),
    ]


class WhatHappened(RootModel[str]):
    root: Annotated[str, Field(max_length=10000, min_length=1, pattern="\\S", title="What Happened")]


class ObservationPatch(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    context: Annotated[Context | None, Field(title="Context")] = None
    dimension_keys: Annotated[DimensionKeys1 | None, Field(title="Dimension Keys")] = None
    observed_on: Annotated[date | None, Field(title="Observed On")] = None
    reflection: Annotated[Reflection | None, Field(title="Reflection")] = None
    what_happened: Annotated[WhatHappened | None, Field(title="What Happened")] = None


class OpenIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    closes_at: Annotated[AwareDatetime, Field(title="Closes At")]


class QuestionnaireDimension(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    name: Annotated[str, Field(min_length=1, pattern="\\S", title="Name")]
    position: Annotated[int, Field(description="1-based order of display.", ge=1, title="Position")]


class QuestionnaireItem(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimension_key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Dimension Key")]
    key: Annotated[str, Field(pattern="^[a-z0-9][a-z0-9_.-]{0,62}$", title="Key")]
    position: Annotated[
        int,
        Field(
            description="1-based order of display within the questionnaire.",
            ge=1,
            title="Position",
        ),
    ]
    text: Annotated[str, Field(min_length=1, pattern="\\S", title="Text")]


class QuestionnairePurpose(StrEnum):
    self_assessment = "self_assessment"
    feedback_360 = "feedback_360"


class QuestionnaireSummary(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    framework_key: Annotated[str, Field(title="Framework Key")]
    framework_version: Annotated[int, Field(title="Framework Version")]
    id: Annotated[UUID, Field(title="Id")]
    items: Annotated[int, Field(title="Items")]
    key: Annotated[str, Field(title="Key")]
    name: Annotated[str, Field(title="Name")]
    published_at: Annotated[AwareDatetime, Field(title="Published At")]
    purpose: QuestionnairePurpose
    version: Annotated[int, Field(title="Version")]


class RaterIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    email: Annotated[EmailStr, Field(title="Email")]
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="\\S", title="Name")]
    rater_group: Annotated[RaterGroup, Field(title="Rater Group")]


class RaterOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    email: Annotated[str, Field(title="Email")]
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    nominated_at: Annotated[AwareDatetime, Field(title="Nominated At")]
    rater_group: Annotated[RaterGroup, Field(title="Rater Group")]


class Note(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="What the participant should change.",
            max_length=2000,
            min_length=1,
            pattern="\\S",
            title="Note",
        ),
    ]


class RejectIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    note: Annotated[
        Note | None,
        Field(description="What the participant should change.", title="Note"),
    ] = None


class ReleaseMode(StrEnum):
    coached = "coached"
    direct = "direct"


class RemindersQueued(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    reminded: Annotated[
        int,
        Field(
            description="How many raters who have not answered get a reminder.",
            title="Reminded",
        ),
    ]


class ResponseIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    answers: Annotated[list[AnswerIn] | None, Field(max_length=500, title="Answers")] = None
    comments: Annotated[list[CommentIn] | None, Field(max_length=100, title="Comments")] = None
    importance: Annotated[list[ImportanceIn] | None, Field(max_length=100, title="Importance")] = None


class Status3(StrEnum):
    published = "published"
    retired = "retired"


class SavedResource(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    key: Annotated[str, Field(title="Key")]
    kind: Annotated[
        str,
        Field(
            description="reading, e_learning, course, programme, coaching, mentoring or tool",
            title="Kind",
        ),
    ]
    link: Annotated[
        str | None,
        Field(
            description="Where to find it, when it is online; none once it is retired.",
            title="Link",
        ),
    ]
    saved_at: Annotated[AwareDatetime, Field(title="Saved At")]
    status: Annotated[
        Status3,
        Field(
            description="retired: no longer published (it stays on the goal until its author removes it).",
            title="Status",
        ),
    ]
    title: Annotated[
        str,
        Field(
            description="Its title now; for a retired resource, the title it had when it was saved.",
            title="Title",
        ),
    ]


class ScalePoint(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    label: Annotated[str, Field(min_length=1, pattern="\\S", title="Label")]
    value: Annotated[int, Field(ge=1, le=4, title="Value")]


class Status4(StrEnum):
    not_started = "not_started"
    draft = "draft"
    submitted = "submitted"


class Submitted(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    submitted_at: Annotated[AwareDatetime, Field(title="Submitted At")]


class TeamCycleCreate(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    name: Annotated[str, Field(max_length=200, min_length=1, pattern="\\S", title="Name")]


class TeamCycleOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    id: Annotated[UUID, Field(title="Id")]
    members: Annotated[int, Field(title="Members")]
    members_by_status: Annotated[dict[str, int], Field(title="Members By Status")]
    name: Annotated[str, Field(title="Name")]
    organisation: Annotated[str, Field(title="Organisation")]
    region: Annotated[str, Field(title="Region")]


class Thresholds(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    direct_report: Annotated[int, Field(ge=1, title="Direct Report")] = 3
    line_manager: Annotated[int, Field(ge=1, title="Line Manager")] = 1
    other: Annotated[int, Field(ge=1, title="Other")] = 3
    others_total: Annotated[
        int,
        Field(
            description="Responses needed from all raters but self together; below it no 360 report is produced.",
            ge=1,
            title="Others Total",
        ),
    ] = 4
    peer: Annotated[int, Field(ge=1, title="Peer")] = 3


class ValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    ctx: Annotated[dict[str, Any] | None, Field(title="Context")] = None
    input: Annotated[Any | None, Field(title="Input")] = None
    loc: Annotated[list[str | int], Field(title="Location")]
    msg: Annotated[str, Field(title="Message")]
    type: Annotated[str, Field(title="Error Type")]


class CycleCreate(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    kind: CycleKind
    participant_name: Annotated[
        str,
        Field(
            description="How raters' invitations name the participant.",
            max_length=200,
            min_length=1,
            pattern="\\S",
            title="Participant Name",
        ),
    ]
    questionnaire_id: Annotated[
        UUID,
        Field(
            description="The published questionnaire the cycle is pinned to for its life.",
            title="Questionnaire Id",
        ),
    ]
    release_mode: ReleaseMode = ReleaseMode.coached
    requires_approval: Annotated[
        bool,
        Field(
            description="The nominated line manager approves the nominations before raters are invited.",
            title="Requires Approval",
        ),
    ] = False
    self_questionnaire_id: Annotated[
        UUID | None,
        Field(
            description="For a 360: the self-assessment wording the participant answers in (same items).",
            title="Self Questionnaire Id",
        ),
    ] = None
    team_cycle_id: Annotated[
        UUID | None,
        Field(description="Required for a team_360 member cycle.", title="Team Cycle Id"),
    ] = None
    thresholds: Annotated[
        Thresholds | None,
        Field(description="Least responses per group; defaults to the platform's, which are also floors."),
    ] = None


class CycleOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    approval: Approval | None
    close_reason: Annotated[str | None, Field(title="Close Reason")]
    closed_at: Annotated[AwareDatetime | None, Field(title="Closed At")]
    closes_at: Annotated[AwareDatetime | None, Field(title="Closes At")]
    converted_from_cycle_id: Annotated[UUID | None, Field(title="Converted From Cycle Id")]
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    feedback_session: FeedbackSessionOut | None
    id: Annotated[UUID, Field(title="Id")]
    kind: CycleKind
    minimums_met: Annotated[
        bool,
        Field(
            description="Enough raters have submitted for the participant to close the cycle.",
            title="Minimums Met",
        ),
    ]
    opened_at: Annotated[AwareDatetime | None, Field(title="Opened At")]
    organisation: Annotated[str, Field(title="Organisation")]
    participant_id: Annotated[str, Field(title="Participant Id")]
    participant_name: Annotated[str, Field(title="Participant Name")]
    progress: Annotated[list[GroupProgress], Field(title="Progress")]
    questionnaire_id: Annotated[UUID, Field(title="Questionnaire Id")]
    region: Annotated[str, Field(title="Region")]
    release_mode: ReleaseMode
    report_released_at: Annotated[AwareDatetime | None, Field(title="Report Released At")]
    requires_approval: Annotated[bool, Field(title="Requires Approval")]
    self_questionnaire_id: Annotated[UUID | None, Field(title="Self Questionnaire Id")]
    self_status: Annotated[SelfStatus, Field(title="Self Status")]
    status: Annotated[Status, Field(title="Status")]
    team_cycle_id: Annotated[UUID | None, Field(title="Team Cycle Id")]
    thresholds: Thresholds


class DraftPageSaved(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    draft: ResponseIn
    saved_at: Annotated[AwareDatetime, Field(title="Saved At")]


class GoalOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[AwareDatetime, Field(title="Created At")]
    description: Annotated[str | None, Field(title="Description")]
    dimension_keys: Annotated[list[str], Field(title="Dimension Keys")]
    id: Annotated[UUID, Field(title="Id")]
    remind_by_mail: Annotated[
        bool,
        Field(
            description="The reminder is mailed to the author's verified address; false: in the app only.",
            title="Remind By Mail",
        ),
    ]
    remind_on: Annotated[date | None, Field(title="Remind On")]
    reminder_due: Annotated[
        bool,
        Field(
            description="Active, with a reminder date that has come.",
            title="Reminder Due",
        ),
    ]
    resources: Annotated[
        dict[str, list[LinkedResource]] | None,
        Field(
            description="For each of the goal's dimensions (by key), the published development resources that serve it, by key; an empty list when none is published.",
            title="Resources",
        ),
    ] = None
    saved_resources: Annotated[
        list[SavedResource] | None,
        Field(
            description="The development resources the author saved to the goal, in the order saved. A resource retired since stays listed, as retired, until the author removes it.",
            title="Saved Resources",
        ),
    ] = None
    status: Annotated[Status1, Field(title="Status")]
    target_on: Annotated[date | None, Field(title="Target On")]
    title: Annotated[str, Field(title="Title")]
    updated_at: Annotated[AwareDatetime, Field(title="Updated At")]


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[list[ValidationError] | None, Field(title="Detail")] = None


class NominationsIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    raters: Annotated[list[RaterIn], Field(max_length=40, min_length=1, title="Raters")]


class ObservationList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[ObservationOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class QuestionnaireList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[QuestionnaireSummary], Field(title="Items")]


class QuestionnaireOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    dimensions: Annotated[list[QuestionnaireDimension], Field(title="Dimensions")]
    framework_key: Annotated[str, Field(title="Framework Key")]
    framework_version: Annotated[int, Field(title="Framework Version")]
    id: Annotated[UUID, Field(title="Id")]
    importance_questions: Annotated[list[ImportanceQuestion], Field(title="Importance Questions")]
    importance_scale: Annotated[list[ScalePoint], Field(title="Importance Scale")]
    instructions: Annotated[str, Field(title="Instructions")]
    items: Annotated[list[QuestionnaireItem], Field(title="Items")]
    key: Annotated[str, Field(title="Key")]
    name: Annotated[str, Field(title="Name")]
    not_observed_label: Annotated[str | None, Field(title="Not Observed Label")]
    performance_scale: Annotated[list[ScalePoint], Field(title="Performance Scale")]
    published_at: Annotated[AwareDatetime, Field(title="Published At")]
    purpose: QuestionnairePurpose
    version: Annotated[int, Field(title="Version")]


class RaterList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[RaterOut], Field(title="Items")]


class SelfView(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    answers: ResponseIn | None
    questionnaire: QuestionnaireOut
    status: Annotated[Status4, Field(title="Status")]
    submitted_at: Annotated[AwareDatetime | None, Field(title="Submitted At")]


class CycleList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[CycleOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class GoalList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[GoalOut], Field(title="Items")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` for the next page; null on the last page.",
            title="Next Cursor",
        ),
    ] = None


class InvitationView(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    closes_at: Annotated[AwareDatetime | None, Field(title="Closes At")]
    draft: ResponseIn | None
    draft_saved_at: Annotated[AwareDatetime | None, Field(title="Draft Saved At")]
    nominations: Annotated[list[NominationView] | None, Field(title="Nominations")] = None
    participant_name: Annotated[str, Field(title="Participant Name")]
    questionnaire: QuestionnaireOut | None
    questionnaire_id: Annotated[
        UUID | None,
        Field(
            description="The published questionnaire the link is answered on (it never changes for an invitation), also when the questionnaire itself is left out; null at the approval stage.",
            title="Questionnaire Id",
        ),
    ] = None
    rater_group: Annotated[RaterGroup, Field(title="Rater Group")]
    stage: Annotated[Stage, Field(title="Stage")]
