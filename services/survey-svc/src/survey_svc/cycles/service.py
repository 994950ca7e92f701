"""Rules of cycles: reading them, creating them, and turning a self-assessment into a 360.

The participant's own answers are in ``self_answers``; opening, approval, closing and extending in
``lifecycle``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import CycleKind, QuestionnairePublishedV1, QuestionnairePurpose, RaterGroup, ReleaseMode, Thresholds
from hlm_kit import json_answer
from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent
from hlm_kit.idempotency import Claim, create_once
from hlm_kit.pagination import CursorCodec
from survey_svc import access
from survey_svc.config import Settings
from survey_svc.cycles.exceptions import AlreadyConverted, CycleStateConflict, ReportReleased
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.cycles.repository import CycleRepository, listed_statement
from survey_svc.cycles.schemas import (
    Approval,
    ConvertIn,
    CycleCreate,
    CycleOut,
    FeedbackSessionOut,
    GroupProgress,
)
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.questionnaires.exceptions import QuestionnaireNotFound
from survey_svc.responses.models import Response
from survey_svc.teams.models import TeamCycle
from survey_svc.teams.repository import TeamCycleRepository

# A participant's cycles newest first (the id breaks ties).
CYCLE_CURSOR = CursorCodec(tuple[datetime, UUID])
NOMINATED_GROUPS: tuple[RaterGroup, ...] = (
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)
PURPOSE_OF_KIND = {
    CycleKind.SELF_ASSESSMENT: QuestionnairePurpose.SELF_ASSESSMENT,
    CycleKind.FEEDBACK_360: QuestionnairePurpose.FEEDBACK_360,
    CycleKind.TEAM_360: QuestionnairePurpose.FEEDBACK_360,
}


# ----------------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------------


async def get(session: AsyncSession, principal: Principal, id: UUID) -> CycleOut:
    return (await to_out(session, [await access.readable_cycle(session, principal, id)]))[0]


async def get_many(session: AsyncSession, principal: Principal, ids: Sequence[UUID]) -> list[CycleOut]:
    """The readable cycles among ``ids``, in the order asked; others are left out as if unknown."""
    found = {c.id: c for c in await CycleRepository(session).get_many(ids) if access.may_read_cycle(principal, c)}
    return await to_out(session, [found[i] for i in dict.fromkeys(ids) if i in found])


async def list_cycles(
    session: AsyncSession, principal: Principal, *, participant_id: str | None, cursor: str | None, limit: int
) -> bytes:
    """The caller's own cycles; an academy admin's: those of their region (and their own, if any),
    optionally one participant's. Cycles outside them are left out as if they did not exist.

    The page and its summaries are one statement, compiled once (``listed_statement``), read as plain rows
    and written as ``CycleList`` JSON by :func:`listed_json` (the home screen reads it on every visit)."""
    listed_participant = access.listed_participant(principal, participant_id)
    region = principal.administered_region
    after = CYCLE_CURSOR.decode(cursor)
    statement = listed_statement(
        in_region=region is not None, one_participant=listed_participant is not None, after=after is not None
    )
    values: dict[str, object] = {"visible_to": principal.sub, "limit": limit + 1}
    if region is not None:
        values["region"] = region
    if listed_participant is not None:
        values["participant_id"] = listed_participant
    if after is not None:
        values["after_created_at"], values["after_id"] = after
    rows = (await statement.execute(session, values)).mappings().all()
    page, next_cursor = CYCLE_CURSOR.page(rows, limit, key=lambda row: (row["created_at"], row["id"]))
    return listed_json(page, next_cursor)


def listed_json(rows: Sequence[RowMapping], next_cursor: str | None) -> bytes:
    """``CycleList`` of ``listed_statement``'s rows as JSON, the bytes ``to_out``'s models would be written
    as (a test holds the two together): what a participant (or admin) sees of cycles, counts per group,
    never who answered."""
    items = []
    for row in rows:
        progress = [
            {
                "rater_group": group.value,
                "invited": row[f"{group.value}_invited"],
                "submitted": row[f"{group.value}_submitted"],
                "declined": row[f"{group.value}_declined"],
            }
            for group in NOMINATED_GROUPS
            if row[f"{group.value}_rows"]
        ]
        items.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "status": row["status"],
                "participant_id": row["participant_id"],
                "participant_name": row["participant_name"],
                "organisation": row["organisation"],
                "region": row["region"],
                "questionnaire_id": row["questionnaire_id"],
                "self_questionnaire_id": row["self_questionnaire_id"],
                "team_cycle_id": row["team_cycle_id"],
                "release_mode": row["release_mode"],
                "thresholds": {
                    "line_manager": row["min_line_manager"],
                    "peer": row["min_peer"],
                    "direct_report": row["min_direct_report"],
                    "other": row["min_other"],
                    "others_total": row["min_others_total"],
                },
                "requires_approval": row["requires_approval"],
                "approval": {
                    "decision": row["approval_decision"],
                    "note": row["approval_note"],
                    "decided_at": row["approval_decided_at"],
                }
                if row["requires_approval"]
                else None,
                "self_status": "submitted"
                if row["self_submitted"]
                else ("draft" if row["has_self_draft"] else "not_started"),
                "progress": progress,
                "minimums_met": sum(p["submitted"] for p in progress) >= row["min_others_total"],
                "closes_at": row["closes_at"],
                "opened_at": row["opened_at"],
                "closed_at": row["closed_at"],
                "close_reason": row["close_reason"],
                "report_released_at": row["report_released_at"],
                "converted_from_cycle_id": row["converted_from_cycle_id"],
                "feedback_session": {"starts_at": row["starts_at"], "ends_at": row["ends_at"]}
                if row["starts_at"] is not None and row["ends_at"] is not None
                else None,
                "created_at": row["created_at"],
            }
        )
    return json_answer.encode({"items": items, "next_cursor": next_cursor})


async def to_out(session: AsyncSession, cycles: Sequence[Cycle]) -> list[CycleOut]:
    """What a participant (or admin) sees of cycles: state and counts per group, never who answered."""
    if not cycles:
        return []
    summaries = await CycleRepository(session).summaries([c.id for c in cycles])
    out = []
    for cycle in cycles:
        summary = summaries[cycle.id]
        per_group = summary.counts
        progress = [
            GroupProgress(rater_group=group, invited=n[0], submitted=n[1], declined=n[2])
            for group in NOMINATED_GROUPS
            if (n := per_group.get(group.value))
        ]
        out.append(
            CycleOut(
                id=cycle.id,
                kind=CycleKind(cycle.kind),
                status=cycle.status,
                participant_id=cycle.participant_id,
                participant_name=cycle.participant_name,
                organisation=cycle.organisation,
                region=cycle.region,
                questionnaire_id=cycle.questionnaire_id,
                self_questionnaire_id=cycle.self_questionnaire_id,
                team_cycle_id=cycle.team_cycle_id,
                release_mode=ReleaseMode(cycle.release_mode),
                thresholds=thresholds_of(cycle),
                requires_approval=cycle.requires_approval,
                approval=Approval(
                    decision=cycle.approval_decision,
                    note=cycle.approval_note,
                    decided_at=cycle.approval_decided_at,
                )
                if cycle.requires_approval
                else None,
                self_status="submitted"
                if summary.self_submitted
                else ("draft" if cycle.self_draft is not None else "not_started"),
                progress=progress,
                minimums_met=sum(p.submitted for p in progress) >= cycle.min_others_total,
                closes_at=cycle.closes_at,
                opened_at=cycle.opened_at,
                closed_at=cycle.closed_at,
                close_reason=cycle.close_reason,
                report_released_at=cycle.report_released_at,
                converted_from_cycle_id=cycle.converted_from_cycle_id,
                feedback_session=FeedbackSessionOut(
                    starts_at=summary.session_starts_at, ends_at=summary.session_ends_at
                )
                if summary.session_starts_at is not None and summary.session_ends_at is not None
                else None,
                created_at=cycle.created_at,
            )
        )
    return out


def thresholds_of(cycle: Cycle) -> Thresholds:
    return Thresholds(
        line_manager=cycle.min_line_manager,
        peer=cycle.min_peer,
        direct_report=cycle.min_direct_report,
        other=cycle.min_other,
        others_total=cycle.min_others_total,
    )


def ensure_accepting(cycle: Cycle) -> None:
    """Nothing more is accepted once the report is released or the cycle closed."""
    if cycle.report_released_at is not None:
        raise ReportReleased("the report of this cycle has been released; nothing more is accepted")
    if cycle.status == CycleStatus.CLOSED:
        raise CycleStateConflict("the cycle is closed")


# ----------------------------------------------------------------------------------------------------
# Creating
# ----------------------------------------------------------------------------------------------------


def floors(settings: Settings) -> Thresholds:
    return Thresholds(
        line_manager=settings.min_line_manager,
        peer=settings.min_peer,
        direct_report=settings.min_direct_report,
        other=settings.min_other,
        others_total=settings.min_others_total,
    )


def threshold_errors(thresholds: Thresholds, settings: Settings, loc: list[str | int]) -> list[FieldError]:
    """A cycle may ask for more responses than the platform's minimums, never fewer: the minimums are
    what keeps a small group's answers from being read off the report."""
    floor = floors(settings)
    return [
        FieldError(
            loc=[*loc, name],
            msg=f"at least {getattr(floor, name)} (the platform's minimum); got {getattr(thresholds, name)}",
            type="below_minimum",
        )
        for name in Thresholds.model_fields
        if getattr(thresholds, name) < getattr(floor, name)
    ]


def compatibility_errors(
    main: QuestionnairePublishedV1, other: QuestionnairePublishedV1, loc: list[str | int]
) -> list[FieldError]:
    """Two questionnaires can share one cycle's answers when they ask the same items of the same dimensions."""
    main_items = {i.key: i.dimension_key for i in main.items}
    other_items = {i.key: i.dimension_key for i in other.items}
    errors = []
    if main_items != other_items or {d.key for d in main.dimensions} != {d.key for d in other.dimensions}:
        errors.append(
            FieldError(
                loc=loc,
                msg=f"questionnaire {other.key!r} v{other.version} does not ask the same items as "
                f"{main.key!r} v{main.version}",
                type="incompatible_questionnaire",
            )
        )
    return errors


async def _questionnaire(
    session: AsyncSession, id: UUID, purpose: QuestionnairePurpose, loc: list[str | int], errors: list[FieldError]
) -> QuestionnairePublishedV1 | None:
    try:
        document = await questionnaire_service.get_document(session, id)
    except QuestionnaireNotFound:
        errors.append(FieldError(loc=loc, msg=f"no published questionnaire {id}", type="unknown_questionnaire"))
        return None
    if document.purpose != purpose:
        errors.append(
            FieldError(
                loc=loc,
                msg=f"questionnaire {document.key!r} is for {document.purpose.value}, not {purpose.value}",
                type="wrong_purpose",
            )
        )
        return None
    return document


async def create(
    session: AsyncSession, principal: Principal, body: CycleCreate, settings: Settings, idempotency_key: str | None
) -> tuple[CycleOut, bool]:
    """Create a draft cycle; with an ``Idempotency-Key`` a retry returns the first attempt's cycle."""
    organisation, region = access.require_org(principal)

    async def make(claim: Claim) -> Cycle:
        return await _new_cycle(session, principal, body, settings, organisation, region, claim)

    cycle, created = await create_once(
        session, Cycle, Cycle.participant_id == principal.sub, idempotency_key, body, create=make
    )
    if created:
        await session.refresh(cycle)
    return (await to_out(session, [cycle]))[0], created


async def _new_cycle(
    session: AsyncSession,
    principal: Principal,
    body: CycleCreate,
    settings: Settings,
    organisation: str,
    region: str,
    claim: Claim,
) -> Cycle:
    errors: list[FieldError] = []
    is_360 = body.kind != CycleKind.SELF_ASSESSMENT
    await _questionnaire(
        session, body.questionnaire_id, PURPOSE_OF_KIND[body.kind], ["body", "questionnaire_id"], errors
    )
    if body.self_questionnaire_id is not None:
        if not is_360:
            errors.append(
                FieldError(
                    loc=["body", "self_questionnaire_id"],
                    msg="a self-assessment is answered in its own questionnaire",
                    type="not_allowed",
                )
            )
        else:
            main = await _questionnaire(
                session, body.questionnaire_id, QuestionnairePurpose.FEEDBACK_360, ["body", "questionnaire_id"], []
            )
            wording = await _questionnaire(
                session,
                body.self_questionnaire_id,
                QuestionnairePurpose.SELF_ASSESSMENT,
                ["body", "self_questionnaire_id"],
                errors,
            )
            if main and wording:
                errors += compatibility_errors(main, wording, ["body", "self_questionnaire_id"])
    team: TeamCycle | None = None
    if body.kind == CycleKind.TEAM_360:
        if body.team_cycle_id is None:
            errors.append(
                FieldError(loc=["body", "team_cycle_id"], msg="a team_360 cycle belongs to a team", type="missing")
            )
        else:
            team = await TeamCycleRepository(session).get_by_id(body.team_cycle_id)
            if team is None or team.organisation != organisation:
                errors.append(
                    FieldError(
                        loc=["body", "team_cycle_id"],
                        msg=f"no team cycle {body.team_cycle_id} in your organisation",
                        type="unknown_team_cycle",
                    )
                )
    elif body.team_cycle_id is not None:
        errors.append(
            FieldError(loc=["body", "team_cycle_id"], msg="only a team_360 cycle belongs to a team", type="not_allowed")
        )
    if body.requires_approval and not is_360:
        errors.append(
            FieldError(
                loc=["body", "requires_approval"], msg="a self-assessment has no nominations", type="not_allowed"
            )
        )
    thresholds = body.thresholds or floors(settings)
    errors += threshold_errors(thresholds, settings, ["body", "thresholds"])
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the cycle", errors=errors)

    cycle = Cycle(
        kind=body.kind.value,
        status=CycleStatus.DRAFT,
        participant_id=principal.sub,
        participant_name=body.participant_name,
        organisation=organisation,
        region=region,
        questionnaire_id=body.questionnaire_id,
        self_questionnaire_id=body.self_questionnaire_id,
        team_cycle_id=team.id if team else None,
        release_mode=body.release_mode.value,
        requires_approval=body.requires_approval,
        min_line_manager=thresholds.line_manager,
        min_peer=thresholds.peer,
        min_direct_report=thresholds.direct_report,
        min_other=thresholds.other,
        min_others_total=thresholds.others_total,
        **claim.columns,
    )
    session.add(cycle)
    return cycle


# ----------------------------------------------------------------------------------------------------
# Turning a self-assessment into a 360
# ----------------------------------------------------------------------------------------------------


async def convert(session: AsyncSession, principal: Principal, id: UUID, body: ConvertIn) -> tuple[CycleOut, bool]:
    """Turn a self-assessment into a 360 that keeps its self ratings. A draft is changed in place; a
    completed one (its report already made) stays as it is, and a new 360 starts with a copy of its
    submitted answers. Returns the 360 and whether it is a new cycle."""
    source = await access.own_cycle(session, principal, id)
    if source.kind != CycleKind.SELF_ASSESSMENT:
        raise CycleStateConflict("only a self-assessment can be turned into a 360")
    errors: list[FieldError] = []
    target = await _questionnaire(
        session, body.questionnaire_id, QuestionnairePurpose.FEEDBACK_360, ["body", "questionnaire_id"], errors
    )
    if target is not None:
        errors += compatibility_errors(
            target,
            await questionnaire_service.get_document(session, source.questionnaire_id),
            ["body", "questionnaire_id"],
        )
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the conversion", errors=errors)
    if source.status == CycleStatus.DRAFT:
        source.kind = CycleKind.FEEDBACK_360.value
        source.self_questionnaire_id, source.questionnaire_id = source.questionnaire_id, body.questionnaire_id
        if body.participant_name:
            source.participant_name = body.participant_name
        return (await to_out(session, [source]))[0], False
    repository = CycleRepository(session)
    if await repository.converted_from(source.id) is not None:
        raise AlreadyConverted("this self-assessment has already been turned into a 360")
    self_response = await repository.self_response(source.id)
    cycle = Cycle(
        kind=CycleKind.FEEDBACK_360.value,
        status=CycleStatus.DRAFT,
        participant_id=source.participant_id,
        participant_name=body.participant_name or source.participant_name,
        organisation=source.organisation,
        region=source.region,
        questionnaire_id=body.questionnaire_id,
        self_questionnaire_id=source.questionnaire_id,
        release_mode=source.release_mode,
        requires_approval=False,
        min_line_manager=source.min_line_manager,
        min_peer=source.min_peer,
        min_direct_report=source.min_direct_report,
        min_other=source.min_other,
        min_others_total=source.min_others_total,
        converted_from_cycle_id=source.id,
    )
    try:
        # Two conversions at once: the unique constraint on the source refuses the second, and the
        # savepoint undoes only that.
        async with session.begin_nested():
            session.add(cycle)
    except IntegrityError as exc:
        raise AlreadyConverted("this self-assessment has already been turned into a 360") from exc
    if self_response is not None:
        session.add(
            Response(
                cycle_id=cycle.id,
                invitation_id=None,
                rater_group=RaterGroup.SELF.value,
                answers=self_response.answers,
                importance=self_response.importance,
                comments=self_response.comments,
                submitted_at=self_response.submitted_at,
            )
        )
        await session.flush()
    await session.refresh(cycle)
    return (await to_out(session, [cycle]))[0], True
