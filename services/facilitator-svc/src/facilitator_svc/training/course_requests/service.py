"""Rules of internal course requests. An organisation's lead asks; an academy administrator of the region
asked answers once, by scheduling a facilitator training course for the organisation's staff or by
declining with a reason; the answer is published (``CourseRequestDecidedV1``) in the same transaction.

The requester is a ``partner``: the role the platform gives an organisation's own people who deal with the
academy (partner trusts), whose token names their organisation. They ask only for their own organisation
and see only its requests.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator_svc.config import Settings, local_date
from facilitator_svc.database import outbox
from facilitator_svc.training import service as training_service
from facilitator_svc.training.course_requests.exceptions import CourseRequestAlreadyAnswered, CourseRequestNotFound
from facilitator_svc.training.course_requests.models import CourseRequest, CourseRequestStatus
from facilitator_svc.training.course_requests.repository import CourseRequestRepository
from facilitator_svc.training.course_requests.schemas import (
    Contact,
    CourseRequestIn,
    CourseRequestList,
    CourseRequestOut,
    DeclineIn,
    PreferredDates,
    ScheduledOut,
    ScheduleIn,
)
from facilitator_svc.training.models import CourseKind
from facilitator_svc.vocabulary import Mode
from hlm_contracts import CourseRequestDecidedV1, CourseRequestOutcome
from hlm_kit.auth import Principal, Role
from hlm_kit.errors import FieldError, Forbidden, UnprocessableContent
from hlm_kit.idempotency import Claim, create_once
from hlm_kit.pagination import CursorCodec

# Requests in the order they came (the id breaks ties).
REQUEST_CURSOR = CursorCodec(tuple[datetime, UUID])


async def submit(
    session: AsyncSession,
    principal: Principal,
    body: CourseRequestIn,
    settings: Settings,
    now: datetime,
    *,
    idempotency_key: str | None,
) -> tuple[CourseRequestOut, bool]:
    """Record the organisation's request; (the request, whether it is new). A retry with the same
    ``Idempotency-Key`` is answered with the first attempt's request."""
    if principal.org is None or principal.org != body.organisation:
        raise Forbidden("you may ask for a course only for the organisation your account belongs to")
    if body.preferred_dates.end < local_date(settings, now):
        msg = "the preferred dates have passed"
        loc: list[str | int] = ["body", "preferred_dates", "end"]
        raise UnprocessableContent(msg, errors=[FieldError(loc=loc, msg=msg, type="date_in_past")])

    async def make(claim: Claim) -> CourseRequest:
        request = CourseRequest(
            organisation=body.organisation,
            region=body.region,
            contact_name=body.contact.name,
            contact_email=body.contact.email,
            contact_phone=body.contact.phone,
            preferred_from=body.preferred_dates.start,
            preferred_to=body.preferred_dates.end,
            preferred_mode=body.preferred_mode.value if body.preferred_mode is not None else None,
            staff_count=body.staff_count,
            notes=body.notes,
            status=CourseRequestStatus.REQUESTED,
            requested_by=principal.sub,
            requested_at=now,
            **claim.columns,
        )
        session.add(request)
        return request

    request, created = await create_once(
        session, CourseRequest, CourseRequest.requested_by == principal.sub, idempotency_key, body, create=make
    )
    return _out(request), created


def _may_see(principal: Principal, request: CourseRequest) -> bool:
    """The region's administrators, and the requesting organisation's leads."""
    if principal.is_academy_admin_for(request.region):
        return True
    return principal.has_role(Role.PARTNER) and principal.org is not None and principal.org == request.organisation


async def get(session: AsyncSession, principal: Principal, id: UUID) -> CourseRequestOut:
    request = await CourseRequestRepository(session).get_by_id(id)
    # Someone who may not see it learns nothing of it, not even that it exists.
    if request is None or not _may_see(principal, request):
        raise CourseRequestNotFound(f"no course request {id}")
    return _out(request)


async def list_region(
    session: AsyncSession,
    principal: Principal,
    *,
    status: CourseRequestStatus | None,
    cursor: str | None,
    limit: int,
) -> CourseRequestList:
    """The requests an administrator's region was asked, or those a partner's organisation made."""
    after = REQUEST_CURSOR.decode(cursor)
    repository = CourseRequestRepository(session)
    if principal.has_role(Role.ACADEMY_ADMIN):
        region = principal.require_administered_region()
        rows = await repository.page(region=region, status=status, after=after, limit=limit + 1)
    elif principal.has_role(Role.PARTNER) and principal.org is not None:
        rows = await repository.page(organisation=principal.org, status=status, after=after, limit=limit + 1)
    else:
        raise Forbidden("a partner's token must carry their organisation")
    page, next_cursor = REQUEST_CURSOR.page(rows, limit, key=lambda r: (r.requested_at, r.id))
    return CourseRequestList(items=[_out(r) for r in page], next_cursor=next_cursor)


async def _open_request(session: AsyncSession, principal: Principal, id: UUID) -> CourseRequest:
    """The request under its row lock, for an administrator of its region, while it awaits an answer."""
    principal.require_administered_region()
    request = await CourseRequestRepository(session).lock(id)
    if request is None or not principal.is_academy_admin_for(request.region):
        raise CourseRequestNotFound(f"no course request {id} in your region")
    if request.status != CourseRequestStatus.REQUESTED:
        raise CourseRequestAlreadyAnswered(f"this request was {request.status.value} already")
    return request


async def schedule(
    session: AsyncSession, principal: Principal, id: UUID, body: ScheduleIn, settings: Settings, now: datetime
) -> ScheduledOut:
    """Answer the request with a facilitator training course for the organisation's staff."""
    request = await _open_request(session, principal, id)
    if body.course.kind != CourseKind.FACILITATOR_TRAINING:
        msg = "an organisation's internal course is facilitator training"
        raise UnprocessableContent(msg, errors=[FieldError(loc=["body", "course", "kind"], msg=msg, type="kind")])
    # The course follows every rule of a course the academy schedules itself (its trainer, its dates).
    course = await training_service.create_course(session, principal, body.course, settings, now)
    request.status, request.course_id = CourseRequestStatus.SCHEDULED, course.id
    request.decided_by, request.decided_at = principal.sub, now
    await session.flush()
    await _publish(session, request, starts_on=course.starts_on)
    return ScheduledOut(request=_out(request), course=course)


async def decline(
    session: AsyncSession, principal: Principal, id: UUID, body: DeclineIn, now: datetime
) -> CourseRequestOut:
    request = await _open_request(session, principal, id)
    request.status, request.decline_reason = CourseRequestStatus.DECLINED, body.reason
    request.decided_by, request.decided_at = principal.sub, now
    await session.flush()
    await _publish(session, request, starts_on=None)
    return _out(request)


async def _publish(session: AsyncSession, request: CourseRequest, *, starts_on: date | None) -> None:
    assert request.decided_at is not None
    scheduled = request.status == CourseRequestStatus.SCHEDULED
    event = CourseRequestDecidedV1(
        request_id=request.id,
        organisation=request.organisation,
        region=request.region,
        outcome=CourseRequestOutcome.SCHEDULED if scheduled else CourseRequestOutcome.DECLINED,
        course_id=request.course_id,
        starts_on=starts_on,
        reason=request.decline_reason,
        decided_at=request.decided_at,
    )
    await outbox.add(session, event, subject=str(request.id))


def _out(r: CourseRequest) -> CourseRequestOut:
    return CourseRequestOut(
        id=r.id,
        organisation=r.organisation,
        region=r.region,
        contact=Contact(name=r.contact_name, email=r.contact_email, phone=r.contact_phone),
        preferred_dates=PreferredDates(start=r.preferred_from, end=r.preferred_to),
        preferred_mode=Mode(r.preferred_mode) if r.preferred_mode is not None else None,
        staff_count=r.staff_count,
        notes=r.notes,
        status=r.status,
        requested_at=r.requested_at,
        course_id=r.course_id,
        decline_reason=r.decline_reason,
        decided_at=r.decided_at,
    )
