from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, case, func, select, tuple_

from facilitator_svc.bookings.models import Booking, BookingStatus
from facilitator_svc.training.models import (
    CourseKind,
    ElearningAssessment,
    EnrolmentStatus,
    TrainerInterest,
    TrainingCourse,
    TrainingEnrolment,
)
from facilitator_svc.vocabulary import SessionKind
from hlm_kit.db import hold_lock
from hlm_kit.repository import RepositoryBase

# The enrolments that hold one of the course's places.
PLACED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


class CourseRepository(RepositoryBase[TrainingCourse]):
    model = TrainingCourse

    async def lock(self, id: UUID) -> TrainingCourse | None:
        """The course, read afresh under its row lock. Every change to who holds a place takes this lock
        first, so places are counted and given one transaction at a time, whatever the replicas."""
        statement = (
            select(TrainingCourse)
            .where(TrainingCourse.id == id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.get_one_or_none(statement)

    async def page_in_region(
        self, region: str, *, kind: CourseKind | None, after: tuple[date, UUID] | None, limit: int
    ) -> Sequence[TrainingCourse]:
        statement = (
            select(TrainingCourse)
            .where(TrainingCourse.region == region)
            .order_by(TrainingCourse.starts_on, TrainingCourse.id)
            .limit(limit)
        )
        if kind is not None:
            statement = statement.where(TrainingCourse.kind == kind)
        if after is not None:
            statement = statement.where(tuple_(TrainingCourse.starts_on, TrainingCourse.id) > after)
        return await self.get_all(statement)

    async def occupancy(self, course_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int]]:
        """(places taken, people waiting) of each course."""
        if not course_ids:
            return {}
        placed = func.count().filter(TrainingEnrolment.status.in_(PLACED))
        waiting = func.count().filter(TrainingEnrolment.status == EnrolmentStatus.WAITING)
        statement = (
            select(TrainingEnrolment.course_id, placed, waiting)
            .where(TrainingEnrolment.course_id.in_(course_ids))
            .group_by(TrainingEnrolment.course_id)
        )
        return {row[0]: (row[1], row[2]) for row in await self.session.execute(statement)}


class EnrolmentRepository(RepositoryBase[TrainingEnrolment]):
    model = TrainingEnrolment

    async def places_taken(self, course_id: UUID) -> int:
        statement = select(func.count()).where(
            TrainingEnrolment.course_id == course_id, TrainingEnrolment.status.in_(PLACED)
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def first_waiting(self, course_id: UUID) -> TrainingEnrolment | None:
        statement = (
            select(TrainingEnrolment)
            .where(TrainingEnrolment.course_id == course_id, TrainingEnrolment.status == EnrolmentStatus.WAITING)
            .order_by(TrainingEnrolment.number)
            .limit(1)
        )
        return await self.get_one_or_none(statement)

    async def waiting_positions(self, course_id: UUID) -> dict[UUID, int]:
        statement = (
            select(TrainingEnrolment.id)
            .where(TrainingEnrolment.course_id == course_id, TrainingEnrolment.status == EnrolmentStatus.WAITING)
            .order_by(TrainingEnrolment.number)
        )
        return {id: position for position, id in enumerate((await self.session.scalars(statement)).all(), start=1)}

    async def of_facilitator(self, facilitator_id: UUID) -> Sequence[TrainingEnrolment]:
        """A facilitator's own enrolments, the latest course first."""
        statement = (
            select(TrainingEnrolment)
            .join(TrainingCourse, TrainingCourse.id == TrainingEnrolment.course_id)
            .where(TrainingEnrolment.facilitator_id == facilitator_id)
            .order_by(TrainingCourse.starts_on.desc(), TrainingEnrolment.number.desc())
        )
        return await self.get_all(statement)

    async def of_course(self, course_id: UUID) -> Sequence[TrainingEnrolment]:
        # Those with a place first, then the waiting list in its order, then those who withdrew.
        rank = case(
            (TrainingEnrolment.status.in_(PLACED), 0),
            (TrainingEnrolment.status == EnrolmentStatus.WAITING, 1),
            else_=2,
        )
        statement = (
            select(TrainingEnrolment)
            .where(TrainingEnrolment.course_id == course_id)
            .order_by(rank, TrainingEnrolment.number)
        )
        return await self.get_all(statement)


class AssessmentRepository(RepositoryBase[ElearningAssessment]):
    model = ElearningAssessment

    async def lock_imports_of_region(self, region: str) -> None:
        """Hold the region's imports to one at a time until this transaction ends: an import skips the
        results it finds already recorded, so two of the same file at once must not both find none."""
        await hold_lock(self.session, f"facilitator-svc elearning import {region}")

    async def of_person(self, email: str) -> Sequence[ElearningAssessment]:
        statement = (
            select(ElearningAssessment)
            .where(func.lower(ElearningAssessment.email) == email.lower())
            .order_by(ElearningAssessment.score.desc())
        )
        return await self.get_all(statement)

    async def of_people_in_region(self, region: str, emails: Sequence[str]) -> Sequence[ElearningAssessment]:
        statement = select(ElearningAssessment).where(
            ElearningAssessment.region == region,
            func.lower(ElearningAssessment.email).in_([e.lower() for e in emails]),
        )
        return await self.get_all(statement)

    async def page_in_region(
        self, region: str, *, email: str | None, after: tuple[datetime, UUID] | None, limit: int
    ) -> Sequence[ElearningAssessment]:
        conditions: list[ColumnElement[bool]] = [ElearningAssessment.region == region]
        if email is not None:
            conditions.append(func.lower(ElearningAssessment.email) == email.lower())
        if after is not None:
            conditions.append(tuple_(ElearningAssessment.recorded_at, ElearningAssessment.id) > after)
        statement = (
            select(ElearningAssessment)
            .where(*conditions)
            .order_by(ElearningAssessment.recorded_at, ElearningAssessment.id)
            .limit(limit)
        )
        return await self.get_all(statement)


class InterestRepository(RepositoryBase[TrainerInterest]):
    model = TrainerInterest

    async def page_in_region(
        self, region: str, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> Sequence[TrainerInterest]:
        statement = (
            select(TrainerInterest)
            .where(TrainerInterest.region == region)
            .order_by(TrainerInterest.created_at, TrainerInterest.id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(tuple_(TrainerInterest.created_at, TrainerInterest.id) > after)
        return await self.get_all(statement)

    async def delivered_sessions(self, facilitator_id: UUID) -> int:
        """Feedback sessions the facilitator has delivered: their completed feedback bookings (coaching and
        mentoring are not what train-the-trainer asks experience of)."""
        statement = select(func.count()).where(
            Booking.facilitator_id == facilitator_id,
            Booking.status == BookingStatus.COMPLETED,
            Booking.kind == SessionKind.FEEDBACK.value,
        )
        return int((await self.session.execute(statement)).scalar_one())
