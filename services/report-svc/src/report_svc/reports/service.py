"""Building, versioning, releasing and reading reports, and who may read which."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from hlm_contracts import ReportReadyV1, ReportReleasedV1
from hlm_contracts.enums import CycleKind, RaterGroup, ReleaseMode
from hlm_kit import json_answer
from hlm_kit.auth import Principal, Role
from hlm_kit.http_cache import etag_of
from hlm_kit.pagination import CursorCodec
from report_svc.consents.models import Consent
from report_svc.cycles.models import Cycle
from report_svc.cycles.repository import CycleRepository
from report_svc.database import outbox
from report_svc.questionnaires import service as questionnaire_service
from report_svc.reports import rendering
from report_svc.reports.exceptions import AwaitingRelease, NothingToRelease, ReportNotFound
from report_svc.reports.models import Report, ReportVersion
from report_svc.reports.repository import (
    PublishedFigure,
    ReportPdfRepository,
    ReportRepository,
    StoredReport,
    summary_list_statement,
)
from report_svc.reports.schemas import ReportList, ReportOut, ReportSummaryList, ReportSummaryOut
from report_svc.resources import service as resource_service
from report_svc.scoring import inputs
from report_svc.scoring.individual import READY, build_360, build_self_assessment
from report_svc.sessions import service as session_service

# Report ids are derived from the cycle, so a report rebuilt anywhere keeps its id.
REPORT_NAMESPACE = uuid.UUID("6f0f7b52-8f3a-4d47-9a47-3f1d0b6f2c10")
AUTOMATIC = "report-svc"
# The readable list runs newest first; the id breaks ties between reports made at the same moment.
LIST_CURSOR = CursorCodec(tuple[datetime, uuid.UUID])

AWAITING_RELEASE = "awaiting_release"
log = structlog.get_logger(__name__)
RELEASED = "released"
NOT_PRODUCED = "not_produced"


def report_id_of(cycle_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(REPORT_NAMESPACE, f"report:{cycle_id}")


def _is_self_assessment(cycle: Cycle) -> bool:
    return cycle.kind == CycleKind.SELF_ASSESSMENT.value


@dataclass(frozen=True, slots=True)
class Built:
    """A report as a build left it."""

    id: uuid.UUID
    state: str
    status: str
    version: int


async def build_if_complete(session: AsyncSession, cycle: Cycle) -> Built | None:
    """Build (or rebuild) the cycle's report once everything it depends on has arrived.

    The caller holds the cycle's lock. A self-assessment is built as soon as its self response is here; a
    360 once the cycle is closed and the responses stored match the close's counts group by group, so a
    response that arrives after the close and a close that arrives before the last response lead to the
    same report as the ordered stream. A build that changes nothing stores nothing and publishes nothing.

    It reads in one statement (the report as it stands, the questionnaire, the responses) and writes in one
    (the report, its version, its published figures, its events), plus the deletion of an earlier
    version's figures when it rebuilds.
    """
    if cycle.kind is None or cycle.participant_id is None:
        return None
    if not _is_self_assessment(cycle) and (cycle.closed_at is None or cycle.submitted is None):
        return None  # most events of a 360 arrive before its close: answer them without reading anything
    stored = await ReportRepository(session).build_inputs(cycle.id, cycle.questionnaire_id)
    current = stored.report
    if (
        not _is_self_assessment(cycle)
        and current is not None
        and current.status == RELEASED
        and current.kind == cycle.kind
    ):
        # Feedback arriving after release would let the participant compare versions and tell who said
        # what; the released report stands as it is.
        log.warning("feedback after release left out of the report", cycle_id=str(cycle.id))
        return None
    questionnaire = stored.questionnaire
    if questionnaire is None:
        return None
    # One read of the responses both checks they are all here and gives what the report is built from.
    responses = stored.responses
    if not _is_self_assessment(cycle) and cycle.submitted is not None:
        expected = {group: count for group, count in cycle.submitted.items() if count}
        if dict(Counter(r.group.value for r in responses)) != expected:
            return None
    scoring_questionnaire = questionnaire_service.for_scoring(questionnaire.document)
    order_key = cycle.id.bytes
    if _is_self_assessment(cycle):
        if not any(r.group is RaterGroup.SELF for r in responses):
            return None
        content = build_self_assessment(scoring_questionnaire, responses, order_key)
    else:
        thresholds = inputs.Thresholds(**(cycle.thresholds or {}))
        content = build_360(scoring_questionnaire, responses, thresholds, order_key)
    content["questionnaire"] = {
        "id": str(questionnaire.id),
        "key": questionnaire.key,
        "version": questionnaire.version,
        "name": questionnaire.name,
        "framework_key": questionnaire.framework_key,
        "framework_version": questionnaire.framework_version,
    }
    content["cycle"] = {
        "opened_at": _iso(cycle.opened_at),
        "closes_at": _iso(cycle.closes_at),
        "closed_at": _iso(cycle.closed_at),
    }
    if not _is_self_assessment(cycle):
        content["kind"] = cycle.kind
        _add_invited(content, cycle.invited)
    return await _store(session, cycle, current, content)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _add_invited(content: dict[str, Any], invited: dict[str, int] | None) -> None:
    """How many raters were invited to each shown group and to ``others`` in all, beside how many
    responded. Counts of invitations say nothing of anyone's answers; they are given per shown group
    only, as the report's figures are."""
    if invited is None:
        return
    for group in content.get("groups", []):
        group["invited"] = sum(invited.get(g, 0) for g in group["rater_groups"])
    content["invited_others"] = sum(count for group, count in invited.items() if group != RaterGroup.SELF.value)


async def _store(
    session: AsyncSession, cycle: Cycle, current: StoredReport | None, content: dict[str, Any]
) -> Built | None:
    if current is not None and current.content == content:
        return None
    assert cycle.participant_id is not None
    now = datetime.now(UTC)
    is_ready = content["state"] == READY
    release_mode = ReleaseMode.DIRECT.value if _is_self_assessment(cycle) else (cycle.release_mode or "coached")
    was_ready_released = current is not None and current.state == READY and current.status == RELEASED
    kind_changed = current is not None and current.kind != cycle.kind
    report_id = current.id if current is not None else report_id_of(cycle.id)
    participant_id = cycle.participant_id
    released_at, released_by = (current.released_at, current.released_by) if current is not None else (None, None)
    release_now = (
        is_ready and release_mode == ReleaseMode.DIRECT.value and not (was_ready_released and not kind_changed)
    )
    if not is_ready:
        status = NOT_PRODUCED
    elif was_ready_released and not kind_changed:
        status = RELEASED
    elif release_now:
        status, released_at, released_by = RELEASED, now, AUTOMATIC
    else:
        status, released_at, released_by = AWAITING_RELEASE, None, None
    values: dict[str, Any] = {
        "participant_id": participant_id,
        "organisation": cycle.organisation or "",
        "region": cycle.region or "",
        "team_cycle_id": cycle.team_cycle_id,
        "kind": cycle.kind or "",
        "state": content["state"],
        "status": status,
        "release_mode": release_mode,
        "version": (current.version if current is not None else 0) + 1,
        "content": content,
        "closed_at": cycle.closed_at,
        "released_at": released_at,
        "released_by": released_by,
        "updated_at": now,
    }
    events = []
    if is_ready:
        subject = str(report_id)
        ready = ReportReadyV1(report_id=report_id, cycle_id=cycle.id, participant_id=participant_id)
        events.append(outbox.row(session, ready, subject=subject))
        if release_now:
            released = ReportReleasedV1(
                report_id=report_id,
                cycle_id=cycle.id,
                participant_id=participant_id,
                released_to=participant_id,
                released_by=AUTOMATIC,
                released_at=now,
            )
            events.append(outbox.row(session, released, subject=subject))
    scores = _published_scores(cycle, content) if is_ready else []
    await ReportRepository(session).keep_build(report_id, cycle.id, values, scores, events, is_new=current is None)
    _refresh_loaded(session, report_id, values if current is not None else {**values, "created_at": now})
    return Built(report_id, values["state"], status, values["version"])


def _refresh_loaded(session: AsyncSession, report_id: uuid.UUID, values: dict[str, Any]) -> None:
    """A report this session has already loaded shows what the build wrote (the write went around the ORM)."""
    loaded = session.identity_map.get(session.sync_session.identity_key(Report, report_id))
    if loaded is not None:
        for column, value in values.items():
            set_committed_value(loaded, column, value)


def _published_scores(cycle: Cycle, content: dict[str, Any]) -> list[PublishedFigure]:
    """The figures of a ready 360 report that group reports may aggregate: self, ``others`` and each
    group shown on its own. Combined groups are left out: they stand for no one group."""
    if content["kind"] == CycleKind.SELF_ASSESSMENT.value or cycle.closed_at is None:
        return []
    assert cycle.questionnaire_id is not None
    single = {g["key"] for g in content["groups"] if not g["combined"]}
    rows: list[PublishedFigure] = []
    for dimension in content["dimensions"]:
        figures = {"self": dimension["self"], "others": dimension["others"]}
        figures.update({key: cell for key, cell in dimension["groups"].items() if key in single})
        for group, figure in figures.items():
            if figure is not None:
                rows.append(
                    PublishedFigure(
                        cycle.questionnaire_id,
                        dimension["key"],
                        group,
                        Decimal(str(figure["score"])),
                        figure["level"],
                    )
                )
    return rows


async def _announce_release(session: AsyncSession, report: Report, released_by: str, at: datetime) -> None:
    await outbox.add(
        session,
        ReportReleasedV1(
            report_id=report.id,
            cycle_id=report.cycle_id,
            participant_id=report.participant_id,
            released_to=report.participant_id,
            released_by=released_by,
            released_at=at,
        ),
        subject=str(report.id),
    )


def _development_dimensions(content: dict[str, Any]) -> dict[str, str | None] | None:
    """The dimensions of a ready 360 report that point to resources: its priority areas and blind
    spots, each with the level others place it at (what a resource helps people move on from)."""
    if content.get("state") != READY or "priorities" not in content:
        return None
    wanted = set(content["priorities"]) | set(content.get("blind_spots", []))
    return {d["key"]: (d["others"] or {}).get("level") for d in content["dimensions"] if d["key"] in wanted}


def _framework_key(content: dict[str, Any]) -> str:
    questionnaire: dict[str, Any] = content.get("questionnaire") or {}
    return str(questionnaire.get("framework_key", "hlm"))


async def present(session: AsyncSession, reports: Sequence[Report]) -> list[ReportOut]:
    """Reports as the API answers them: a ready 360's content gains ``resources``, the published
    development resources of each of its priority areas and blind spots, from this service's own copy.

    They are added when the report is read, not stored with it: the resources are not figures of the
    report, a retired one must not linger in a released report, and a new set must not make a new
    version of every report."""
    outs = [ReportOut.model_validate(report) for report in reports]
    wanted: dict[str, set[str]] = {}
    for out in outs:
        if (dimensions := _development_dimensions(out.content)) is not None:
            wanted.setdefault(_framework_key(out.content), set()).update(dimensions)
    if not wanted:
        return outs
    serving = await resource_service.serving(session, wanted)
    for out in outs:
        if (dimensions := _development_dimensions(out.content)) is not None:
            framework_key = _framework_key(out.content)
            resources = {key: serving.pick(framework_key, key, level) for key, level in dimensions.items()}
            out.content = {**out.content, "resources": resources}
    return outs


async def release(session: AsyncSession, principal: Principal, report_id: uuid.UUID) -> ReportOut:
    """The booked facilitator releases a coached report to its participant (again: no change)."""
    # The cycle's lock first, as every build holds it while it writes: a rebuild under way ends before
    # the release reads the report, and a later one finds the report released and leaves it as it is.
    cycle_id = await session.scalar(select(Report.cycle_id).where(Report.id == report_id))
    if cycle_id is not None:
        await CycleRepository(session).lock_existing(cycle_id)
    report = await ReportRepository(session).get_by_id(report_id, for_update=True)
    if report is None or not await _facilitates(session, principal, report):
        raise ReportNotFound
    if report.status == NOT_PRODUCED:
        raise NothingToRelease
    if report.status == AWAITING_RELEASE:
        now = datetime.now(UTC)
        report.status, report.released_at, report.released_by, report.updated_at = RELEASED, now, principal.sub, now
        await _announce_release(session, report, principal.sub, now)
        await session.flush()
    (out,) = await present(session, [report])
    return out


class ReportFacts(Protocol):
    """What the rules of who reads a report look at: a stored ``Report``, or a row of its columns."""

    @property
    def cycle_id(self) -> uuid.UUID: ...
    @property
    def participant_id(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def status(self) -> str: ...


async def _facilitates(session: AsyncSession, principal: Principal, report: ReportFacts) -> bool:
    return principal.has_role(Role.FACILITATOR) and await session_service.facilitator_is_booked(
        session, principal.sub, cycle_id=report.cycle_id, participant_id=report.participant_id
    )


async def _partner_may_read(session: AsyncSession, principal: Principal, report: ReportFacts) -> bool:
    if not principal.has_role(Role.PARTNER) or principal.org is None or report.status != RELEASED:
        return False
    if report.organisation != principal.org:
        return False
    consent = await session.get(Consent, report.participant_id)
    return consent is not None and consent.organisation == report.organisation


async def readable(session: AsyncSession, principal: Principal, report: ReportFacts) -> bool:
    """Participants read their own released reports (and the state of one not produced); facilitators
    the reports of participants booked with them; partners the released reports of consenting
    participants of their organisation. Academy administrators read group reports only."""
    if (
        principal.has_role(Role.PARTICIPANT)
        and report.participant_id == principal.sub
        and report.status != AWAITING_RELEASE
    ):
        return True
    if await _facilitates(session, principal, report):
        return True
    return await _partner_may_read(session, principal, report)


async def get(session: AsyncSession, principal: Principal, report_id: uuid.UUID) -> Report:
    report = await ReportRepository(session).get_by_id(report_id)
    if report is None:
        raise ReportNotFound
    if await readable(session, principal, report):
        return report
    if principal.has_role(Role.PARTICIPANT) and report.participant_id == principal.sub:
        raise AwaitingRelease
    raise ReportNotFound


async def read(session: AsyncSession, principal: Principal, report_id: uuid.UUID) -> ReportOut:
    """One report as the API answers it, for a reader who may read it."""
    (out,) = await present(session, [await get(session, principal, report_id)])
    return out


async def list_readable(
    session: AsyncSession,
    principal: Principal,
    *,
    ids: Sequence[uuid.UUID] | None,
    with_content: bool,
    cursor: str | None,
    limit: int,
) -> bytes:
    """The reports asked for by id (in that order), or else a page of the caller's readable list, as
    ``ReportList`` JSON (``ReportSummaryList`` without content). Without content, the reports' content is
    not even read (the rules of who reads what do not depend on it)."""
    if ids is None and not with_content:
        return await _summaries_visible(session, principal, after=LIST_CURSOR.decode(cursor), limit=limit)
    if ids is not None:
        reports, next_cursor = await _get_many(session, principal, ids, with_content=with_content), None
    else:
        reports, next_cursor = await _list_visible(session, principal, after=LIST_CURSOR.decode(cursor), limit=limit)
    if with_content:
        return ReportList(items=await present(session, reports), next_cursor=next_cursor).model_dump_json().encode()
    page = ReportSummaryList(items=[ReportSummaryOut.model_validate(r) for r in reports], next_cursor=next_cursor)
    return page.model_dump_json().encode()


# A summary's fields in the order ReportSummaryOut writes them.
_SUMMARY_FIELDS = tuple(ReportSummaryOut.model_fields)


async def _candidates(
    session: AsyncSession, principal: Principal, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> dict[str, object] | None:
    """Whose reports a caller's list is cut from, as the values of the list's statements (``reports.repository.
    _visible_where``): their own and (for a facilitator) those of participants booked with them; None for
    nobody's. One more than ``limit`` is read, to tell whether another page follows."""
    values: dict[str, object] = {"limit": limit + 1}
    if principal.has_role(Role.PARTICIPANT):
        values["participant"] = principal.sub
    if principal.has_role(Role.FACILITATOR):
        cycles, participants = await session_service.facilitated_participants(session, principal.sub)
        if cycles:
            values["cycle_ids"] = list(cycles)
        if participants:
            values["participant_ids"] = list(participants)
    if len(values) == 1:
        return None
    if after is not None:
        values["after_created_at"], values["after_id"] = after
    return values


async def _summaries_visible(
    session: AsyncSession, principal: Principal, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> bytes:
    """``_list_visible`` without content (the home screen's read, on every visit): the same candidates and
    rules, read as plain rows by one statement compiled once (``summary_list_statement``) and written as
    ``ReportSummaryList`` JSON (a test holds it to the models' bytes)."""
    values = await _candidates(session, principal, after=after, limit=limit)
    if values is None:
        return json_answer.encode({"items": [], "next_cursor": None})
    candidates = (await summary_list_statement(values).execute(session, values)).all()
    page, next_cursor = LIST_CURSOR.page(candidates, limit, key=lambda r: (r.created_at, r.id))
    items = [
        {field: getattr(row, field) for field in _SUMMARY_FIELDS}
        for row in page
        if await readable(session, principal, row)
    ]
    return json_answer.encode({"items": items, "next_cursor": next_cursor})


async def _get_many(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID], *, with_content: bool
) -> list[Report]:
    found = {r.id: r for r in await ReportRepository(session).many(ids, with_content=with_content)}
    return [found[i] for i in ids if i in found and await readable(session, principal, found[i])]


async def _list_visible(
    session: AsyncSession, principal: Principal, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> tuple[list[Report], str | None]:
    """The caller's readable reports with their content, newest first (``_candidates``). The page is cut
    from the candidates before the rules of who reads what drop any, so the cursor never skips a report; a
    page may then hold fewer than ``limit`` (its ``next_cursor`` still says more follow)."""
    values = await _candidates(session, principal, after=after, limit=limit)
    if values is None:
        return [], None
    candidates = await ReportRepository(session).visible_list(values)
    page, next_cursor = LIST_CURSOR.page(candidates, limit, key=lambda r: (r.created_at, r.id))
    return [r for r in page if await readable(session, principal, r)], next_cursor


async def versions(session: AsyncSession, report_id: uuid.UUID) -> Sequence[ReportVersion]:
    result = await session.execute(
        select(ReportVersion).where(ReportVersion.report_id == report_id).order_by(ReportVersion.version)
    )
    return result.scalars().all()


@dataclass(frozen=True, slots=True)
class Pdf:
    """A report version's PDF as served: its bytes and their strong ETag."""

    report: Report
    body: bytes
    etag: str


async def pdf(sessionmaker: async_sessionmaker[AsyncSession], principal: Principal, report_id: uuid.UUID) -> Pdf:
    """The report as PDF, for a reader who may read it: rendered on the version's first download and
    kept, since a version never changes and a render costs seconds of CPU; later downloads (and every
    reader) get the same stored bytes. The render runs between two units of work, so its seconds hold
    no pooled connection."""
    async with sessionmaker.begin() as session:
        report = await get(session, principal, report_id)
        stored = await ReportPdfRepository(session).of_version(report.id, report.version)
        if stored is not None:
            return Pdf(report, stored.pdf, stored.etag)
    body = await asyncio.to_thread(rendering.pdf, report)
    async with sessionmaker.begin() as session:
        return await _keep(session, report, body)


async def _keep(session: AsyncSession, report: Report, body: bytes) -> Pdf:
    try:
        async with session.begin_nested():
            body, etag = await ReportPdfRepository(session).keep(report.id, report.version, body, etag_of(body))
    except IntegrityError:
        # The version went while rendering (its participant erased): serve a reader what they may
        # read, store nothing.
        log.info("pdf of a version deleted while rendering not stored", report_id=str(report.id))
        etag = etag_of(body)
    return Pdf(report, body, etag)


async def render_ahead(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Render and keep the PDF of one released report whose current version has none (the newest
    first), so its first download is served from the database too; 1 if there was one, else 0.
    Replicas doing this at once may render the same version twice, and keep it once."""
    async with sessionmaker.begin() as session:
        report = await ReportRepository(session).released_without_pdf()
    if report is None:
        return 0
    body = await asyncio.to_thread(rendering.pdf, report)
    async with sessionmaker.begin() as session:
        await _keep(session, report, body)
    return 1
