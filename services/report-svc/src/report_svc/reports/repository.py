from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, delete, insert, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import defer

from hlm_kit.repository import RepositoryBase
from report_svc.consents.models import Consent
from report_svc.reports.models import PublishedScore, Report, ReportPdf


def _reports(*, with_content: bool) -> Select[Report]:
    """Reports, with or without their content. Left out, the content is never read from the database,
    and touching it raises rather than quietly loading it: a summary costs nothing of its size."""
    statement = select(Report)
    return statement if with_content else statement.options(defer(Report.content, raiseload=True))


class ReportRepository(RepositoryBase[Report]):
    model = Report

    async def of_cycle(self, cycle_id: uuid.UUID) -> Report | None:
        return await self.get_one_or_none(select(Report).where(Report.cycle_id == cycle_id))

    async def many(self, ids: Sequence[uuid.UUID], *, with_content: bool = True) -> Sequence[Report]:
        return await self.get_all(_reports(with_content=with_content).where(Report.id.in_(ids)))

    async def visible_list(
        self,
        *,
        participant_id: str | None,
        cycle_ids: set[object],
        participant_ids: set[str],
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
        with_content: bool = True,
    ) -> Sequence[Report]:
        """Reports of ``participant_id``, of ``cycle_ids`` or of ``participant_ids``, newest first (the id
        breaking ties), from just past the report whose (created_at, id) is ``after``."""
        conditions = []
        if participant_id is not None:
            conditions.append(Report.participant_id == participant_id)
        if cycle_ids:
            conditions.append(Report.cycle_id.in_(cycle_ids))
        if participant_ids:
            conditions.append(Report.participant_id.in_(participant_ids))
        if not conditions:
            return []
        statement = _reports(with_content=with_content).where(or_(*conditions))
        if after is not None:
            created_at, id = after
            statement = statement.where(
                or_(Report.created_at < created_at, and_(Report.created_at == created_at, Report.id > id))
            )
        return await self.get_all(statement.order_by(Report.created_at.desc(), Report.id).limit(limit))

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

    async def replace_scores(self, report_id: uuid.UUID, rows: list[dict[str, object]]) -> None:
        await self.session.execute(delete(PublishedScore).where(PublishedScore.report_id == report_id))
        if rows:
            await self.session.execute(insert(PublishedScore), rows)


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
