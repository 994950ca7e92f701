from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, select, tuple_

from facilitator_svc.training.course_requests.models import CourseRequest, CourseRequestStatus
from hlm_kit.repository import RepositoryBase


class CourseRequestRepository(RepositoryBase[CourseRequest]):
    model = CourseRequest

    async def lock(self, id: UUID) -> CourseRequest | None:
        """The request, read afresh under its row lock: two administrators answering at once are served one
        after the other, and the second finds it answered."""
        statement = (
            select(CourseRequest)
            .where(CourseRequest.id == id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.get_one_or_none(statement)

    async def page(
        self,
        *,
        region: str | None = None,
        organisation: str | None = None,
        status: CourseRequestStatus | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> Sequence[CourseRequest]:
        """Requests to a region, or from an organisation, in the order they came."""
        conditions: list[ColumnElement[bool]] = []
        if region is not None:
            conditions.append(CourseRequest.region == region)
        if organisation is not None:
            conditions.append(CourseRequest.organisation == organisation)
        if not conditions:
            raise ValueError("a page of course requests is of a region or of an organisation")
        if status is not None:
            conditions.append(CourseRequest.status == status)
        if after is not None:
            conditions.append(tuple_(CourseRequest.requested_at, CourseRequest.id) > after)
        statement = (
            select(CourseRequest).where(*conditions).order_by(CourseRequest.requested_at, CourseRequest.id).limit(limit)
        )
        return await self.get_all(statement)
