from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Text,
    Uuid,
    and_,
    any_,
    bindparam,
    delete,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import defer

from hlm_contracts.enums import RaterGroup
from hlm_kit.db import DriverStatement
from hlm_kit.repository import RepositoryBase
from report_svc.consents.models import Consent
from report_svc.reports.models import PublishedScore, Report, ReportPdf
from report_svc.scoring import inputs


def _reports(*, with_content: bool) -> Select[Report]:
    """Reports, with or without their content. Left out, the content is never read from the database,
    and touching it raises rather than quietly loading it: a summary costs nothing of its size."""
    statement = select(Report)
    return statement if with_content else statement.options(defer(Report.content, raiseload=True))


# What a report's summary shows (``ReportSummaryOut``), and when it was made (the list's order).
SUMMARY_COLUMNS = (
    Report.id,
    Report.cycle_id,
    Report.participant_id,
    Report.organisation,
    Report.kind,
    Report.state,
    Report.status,
    Report.release_mode,
    Report.version,
    Report.released_at,
    Report.released_by,
    Report.updated_at,
    Report.created_at,
)


def _visible_where(
    *, participant: bool, cycle_ids: bool, participant_ids: bool, after: bool
) -> list[ColumnElement[bool]]:
    """The reports of ``participant``, of the list ``cycle_ids`` or of the list ``participant_ids``, from just
    past ``after_created_at``/``after_id`` (newest first, the id breaking ties): a caller's readable list."""
    whose: list[ColumnElement[bool]] = []
    if participant:
        whose.append(Report.participant_id == bindparam("participant", type_=Text))
    if cycle_ids:
        whose.append(Report.cycle_id == any_(bindparam("cycle_ids", type_=ARRAY(Uuid))))
    if participant_ids:
        whose.append(Report.participant_id == any_(bindparam("participant_ids", type_=ARRAY(Text))))
    conditions = [or_(*whose)]
    if after:
        created_at = bindparam("after_created_at", type_=DateTime(timezone=True))
        conditions.append(
            or_(
                Report.created_at < created_at,
                and_(Report.created_at == created_at, Report.id > bindparam("after_id", type_=Uuid)),
            )
        )
    return conditions


def _visible_shape(values: dict[str, object]) -> dict[str, bool]:
    return {
        "participant": "participant" in values,
        "cycle_ids": "cycle_ids" in values,
        "participant_ids": "participant_ids" in values,
        "after": "after_id" in values,
    }


_NEWEST_FIRST = (Report.created_at.desc(), Report.id)


@lru_cache(maxsize=16)
def _summary_list_statement(
    *, participant: bool, cycle_ids: bool, participant_ids: bool, after: bool
) -> DriverStatement:
    where = _visible_where(participant=participant, cycle_ids=cycle_ids, participant_ids=participant_ids, after=after)
    statement = select(*SUMMARY_COLUMNS).where(*where).order_by(*_NEWEST_FIRST)
    return DriverStatement(statement.limit(bindparam("limit", type_=Integer)))


def summary_list_statement(values: dict[str, object]) -> DriverStatement:
    """``ReportRepository.visible_list`` without content, as plain rows of :data:`SUMMARY_COLUMNS`, compiled once
    per shape of ``values`` (the candidates a caller gives, see ``_visible_where``, and ``limit``)."""
    return _summary_list_statement(**_visible_shape(values))


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    """One figure of a ready 360 report that group reports may aggregate."""

    questionnaire_id: uuid.UUID
    dimension_key: str
    rater_group: str
    score: Decimal
    level: str


# What a build reads, in one round trip: the cycle's report as it stands (if any), its questionnaire (if
# stored) and its responses as one JSON array, ordered by id (a random UUID: the order responses arrived
# in never reaches a report). One row always comes back. The JSON comes as text, for orjson to decode.
_BUILD_INPUTS = text(
    "SELECT report.id, report.kind, report.state, report.status, report.version, CAST(report.content AS text),"
    " report.participant_id,"
    " report.released_at, report.released_by,"
    " questionnaire.id, questionnaire.key, questionnaire.version, questionnaire.name, questionnaire.framework_key,"
    " questionnaire.framework_version, CAST(questionnaire.document AS text),"
    " (SELECT CAST(json_agg(json_build_array(response.rater_group, response.answers, response.importance,"
    " response.comments) ORDER BY response.id) AS text)"
    " FROM report.response WHERE response.cycle_id = CAST(:cycle_id AS uuid))"
    " FROM (SELECT) AS one"
    " LEFT JOIN report.report ON report.cycle_id = CAST(:cycle_id AS uuid)"
    " LEFT JOIN report.questionnaire ON questionnaire.id = CAST(:questionnaire_id AS uuid)"
)

# A build's report row: new, or the one it rebuilds. The parameters are named after the columns.
_NEW_REPORT = (
    "WITH report AS (INSERT INTO report.report (id, cycle_id, participant_id, organisation, region, team_cycle_id,"
    " kind, state, status, release_mode, version, content, closed_at, released_at, released_by, created_at,"
    " updated_at) VALUES (CAST(:id AS uuid), CAST(:cycle_id AS uuid), CAST(:participant_id AS text),"
    " CAST(:organisation AS text), CAST(:region AS text), CAST(:team_cycle_id AS uuid), CAST(:kind AS text),"
    " CAST(:state AS text), CAST(:status AS text), CAST(:release_mode AS text), CAST(:version AS integer),"
    " CAST(:content AS jsonb), CAST(:closed_at AS timestamptz), CAST(:released_at AS timestamptz),"
    " CAST(:released_by AS text), CAST(:updated_at AS timestamptz), CAST(:updated_at AS timestamptz))"
    " RETURNING id, version, content)"
)
_CHANGED_REPORT = (
    "WITH report AS (UPDATE report.report SET participant_id = CAST(:participant_id AS text),"
    " organisation = CAST(:organisation AS text), region = CAST(:region AS text),"
    " team_cycle_id = CAST(:team_cycle_id AS uuid), kind = CAST(:kind AS text), state = CAST(:state AS text),"
    " status = CAST(:status AS text), release_mode = CAST(:release_mode AS text),"
    " version = CAST(:version AS integer), content = CAST(:content AS jsonb),"
    " closed_at = CAST(:closed_at AS timestamptz), released_at = CAST(:released_at AS timestamptz),"
    " released_by = CAST(:released_by AS text), updated_at = CAST(:updated_at AS timestamptz)"
    " WHERE id = CAST(:id AS uuid) RETURNING id, version, content)"
)
# The version (its content copied from the report's row as written, not sent twice), the published
# figures as four arrays unnested into rows (the columns they share given once), and the outbox rows in
# the order given (their ids are the order they are sent in).
_KEEP_BUILD = (
    ", version AS (INSERT INTO report.report_version (report_id, version, content, built_at)"
    " SELECT id, version, content, CAST(:updated_at AS timestamptz) FROM report)"
    ", figures AS (INSERT INTO report.published_score (report_id, dimension_key, rater_group, score, level,"
    " questionnaire_id, organisation, region, team_cycle_id, closed_at)"
    " SELECT report.id, figure.dimension_key, figure.rater_group, figure.score, figure.level,"
    " CAST(:questionnaire_id AS uuid), CAST(:organisation AS text), CAST(:region AS text),"
    " CAST(:team_cycle_id AS uuid), CAST(:closed_at AS timestamptz)"
    " FROM report, unnest(CAST(:dimension_keys AS text[]), CAST(:rater_groups AS text[]),"
    " CAST(:scores AS numeric[]), CAST(:levels AS text[])) AS figure (dimension_key, rater_group, score, level))"
    " INSERT INTO report.outbox_message (event_id, type, subject, envelope)"
    " SELECT event.id, event.type, event.subject, CAST(event.envelope AS jsonb)"
    " FROM unnest(CAST(:event_ids AS text[]), CAST(:event_types AS text[]), CAST(:event_subjects AS text[]),"
    " CAST(:envelopes AS text[])) WITH ORDINALITY AS event (id, type, subject, envelope, n) ORDER BY event.n"
)
_KEEP_NEW = text(_NEW_REPORT + _KEEP_BUILD)
_KEEP_CHANGED = text(_CHANGED_REPORT + _KEEP_BUILD)


@dataclass(frozen=True, slots=True)
class StoredReport:
    """What a build needs of the cycle's report as it stands."""

    id: uuid.UUID
    kind: str
    state: str
    status: str
    version: int
    content: dict[str, Any]
    participant_id: str
    released_at: datetime | None
    released_by: str | None


@dataclass(frozen=True, slots=True)
class StoredQuestionnaire:
    id: uuid.UUID
    key: str
    version: int
    name: str
    framework_key: str
    framework_version: int
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BuildInputs:
    report: StoredReport | None
    questionnaire: StoredQuestionnaire | None
    responses: list[inputs.Response]


class ReportRepository(RepositoryBase[Report]):
    model = Report

    async def many(self, ids: Sequence[uuid.UUID], *, with_content: bool = True) -> Sequence[Report]:
        return await self.get_all(_reports(with_content=with_content).where(Report.id.in_(ids)))

    async def visible_list(self, values: dict[str, object]) -> Sequence[Report]:
        """Reports, with their content, of the candidates in ``values`` (see ``_visible_where``), newest first,
        at most ``limit``: the same candidates as :func:`summary_list_statement`'s."""
        where = _visible_where(**_visible_shape(values))
        statement = _reports(with_content=True).where(*where).order_by(*_NEWEST_FIRST)
        statement = statement.limit(bindparam("limit", type_=Integer))
        return (await self.session.execute(statement, values)).scalars().all()

    async def partner_page(
        self, organisation: str, *, after: tuple[datetime, uuid.UUID] | None, since: datetime | None, limit: int
    ) -> Sequence[Report]:
        """Released reports of consenting participants of ``organisation``, oldest change first."""
        statement = (
            select(Report)
            .join(
                Consent,
                and_(Consent.participant_id == Report.participant_id, Consent.organisation == Report.organisation),
            )
            .where(Report.organisation == organisation, Report.status == "released")
        )
        if since is not None:
            statement = statement.where(Report.updated_at > since)
        if after is not None:
            statement = statement.where(tuple_(Report.updated_at, Report.id) > tuple_(*after))
        return await self.get_all(statement.order_by(Report.updated_at, Report.id).limit(limit))

    async def released_without_pdf(self) -> Report | None:
        """The most recently changed released report whose current version has no stored PDF yet."""
        stored = select(ReportPdf.report_id).where(
            ReportPdf.report_id == Report.id, ReportPdf.version == Report.version
        )
        return await self.get_one_or_none(
            select(Report)
            .where(Report.status == "released", ~stored.exists())
            .order_by(Report.updated_at.desc(), Report.id)
            .limit(1)
        )

    async def build_inputs(self, cycle_id: uuid.UUID, questionnaire_id: uuid.UUID | None) -> BuildInputs:
        """The cycle's report, questionnaire and responses, as plain values (no ORM objects to track)."""
        result = await self.session.execute(_BUILD_INPUTS, {"cycle_id": cycle_id, "questionnaire_id": questionnaire_id})
        row = result.one()
        report_id, kind, state, status, version, content, participant_id, released_at, released_by = row[:9]
        q_id, q_key, q_version, q_name, q_framework_key, q_framework_version, q_document, responses = row[9:]
        return BuildInputs(
            report=None
            if report_id is None
            else StoredReport(
                report_id, kind, state, status, version, orjson.loads(content), participant_id, released_at, released_by
            ),
            questionnaire=None
            if q_id is None
            else StoredQuestionnaire(
                q_id, q_key, q_version, q_name, q_framework_key, q_framework_version, orjson.loads(q_document)
            ),
            responses=[
                inputs.Response(group=RaterGroup(group), answers=answers, importance=importance, comments=comments)
                for group, answers, importance, comments in (orjson.loads(responses) if responses else ())
            ],
        )

    async def keep_build(
        self,
        report_id: uuid.UUID,
        cycle_id: uuid.UUID,
        values: dict[str, Any],
        scores: Sequence[PublishedFigure],
        events: Sequence[dict[str, Any]],
        *,
        is_new: bool,
    ) -> None:
        """Write a build in one statement: the report's row (``values``, by column), its new
        version, its published figures and its outbox rows (``events``, as ``Outbox.row`` gives them). A
        rebuild first deletes the figures of the earlier version."""
        if not is_new:
            await self.session.execute(delete(PublishedScore).where(PublishedScore.report_id == report_id))
        await self.session.execute(
            _KEEP_NEW if is_new else _KEEP_CHANGED,
            {
                **values,
                "id": report_id,
                "cycle_id": cycle_id,
                "content": orjson.dumps(values["content"]).decode(),
                "questionnaire_id": scores[0].questionnaire_id if scores else None,
                "dimension_keys": [s.dimension_key for s in scores],
                "rater_groups": [s.rater_group for s in scores],
                "scores": [s.score for s in scores],
                "levels": [s.level for s in scores],
                "event_ids": [e["event_id"] for e in events],
                "event_types": [e["type"] for e in events],
                "event_subjects": [e["subject"] for e in events],
                "envelopes": [orjson.dumps(e["envelope"]).decode() for e in events],
            },
        )


class ReportPdfRepository(RepositoryBase[ReportPdf]):
    model = ReportPdf

    async def of_version(self, report_id: uuid.UUID, version: int) -> ReportPdf | None:
        return await self.get_one_or_none(
            select(ReportPdf).where(ReportPdf.report_id == report_id, ReportPdf.version == version)
        )

    async def keep(self, report_id: uuid.UUID, version: int, pdf: bytes, etag: str) -> tuple[bytes, str]:
        """Store a version's PDF unless one is stored already, and answer the stored one: of two first
        downloads rendering at once, both serve the bytes (and ETag) of whichever stored first. The PDFs
        of earlier versions go: only a report's latest version is ever served."""
        await self.session.execute(
            delete(ReportPdf).where(ReportPdf.report_id == report_id, ReportPdf.version < version)
        )
        inserted = await self.session.execute(
            pg_insert(ReportPdf)
            .values(report_id=report_id, version=version, pdf=pdf, etag=etag)
            .on_conflict_do_nothing(index_elements=[ReportPdf.report_id, ReportPdf.version])
            .returning(ReportPdf.etag)
        )
        if inserted.scalar_one_or_none() is not None:
            return pdf, etag
        stored = await self.session.execute(
            select(ReportPdf.pdf, ReportPdf.etag).where(ReportPdf.report_id == report_id, ReportPdf.version == version)
        )
        kept, kept_etag = stored.one()
        return kept, kept_etag
