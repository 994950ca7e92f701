"""An organisation's request for an internal facilitator training course: its partner asks the academy of a
region, and the region's administrators schedule a course for it or decline it with a reason.
facilitator-svc decides who may see and answer a request; its expected refusals are typed results here."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, IdempotencyKey
from hlm_gateway.context import Context
from hlm_gateway.facilitators.types import SessionMode
from hlm_gateway.journey.types import optional_id
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.problems import FieldProblem, refused_as
from hlm_gateway.training.types import Course, CourseInput, course_from, rest_body
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream import facilitator as api


@strawberry.enum(
    description="REQUESTED: waiting for the academy's answer; SCHEDULED: a course was scheduled for the "
    "organisation; DECLINED: the academy declined it, saying why."
)
class CourseRequestStatus(Enum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    DECLINED = "declined"


@strawberry.type(description="Who at the organisation the academy talks to about the course.")
class CourseRequestContact:
    name: str
    email: str
    phone: str | None


@strawberry.type(description="When the organisation could hold the course.")
class CourseRequestDates:
    start: date = strawberry.field(description="The first day it could.")
    end: date = strawberry.field(description="The last day it could.")


@strawberry.type(
    description="An organisation's request for an internal facilitator training course for its staff, and the "
    "academy's answer once given."
)
class CourseRequest:
    id: strawberry.ID
    organisation: str
    region: str
    contact: CourseRequestContact
    preferred_dates: CourseRequestDates
    preferred_mode: SessionMode | None
    staff_count: int = strawberry.field(description="How many staff would attend.")
    notes: str | None
    status: CourseRequestStatus
    requested_at: datetime
    decided_at: datetime | None
    course_id: strawberry.ID | None = strawberry.field(description="The course scheduled for the organisation.")
    decline_reason: str | None = strawberry.field(description="Why the academy declined; the organisation is told.")


@strawberry.type(description="The request was answered with a facilitator training course for the organisation.")
class CourseRequestScheduled:
    request: CourseRequest
    course: Course


@strawberry.type(
    description="facilitator-svc refused the request and changed nothing: another organisation's code, a request "
    "answered already (code course-request-already-answered), or fields that break a rule (each in problems)."
)
class CourseRequestRefused:
    message: str
    code: str | None
    problems: list[FieldProblem]


RequestCourseResult = Annotated[CourseRequest | CourseRequestRefused, strawberry.union("RequestCourseResult")]
ScheduleCourseRequestResult = Annotated[
    CourseRequestScheduled | CourseRequestRefused, strawberry.union("ScheduleCourseRequestResult")
]
DeclineCourseRequestResult = Annotated[
    CourseRequest | CourseRequestRefused, strawberry.union("DeclineCourseRequestResult")
]


@strawberry.input(description="Who at the organisation the academy should talk to.")
class CourseRequestContactInput:
    name: str
    email: str
    phone: str | None = None


@strawberry.input(description="When the organisation could hold the course.")
class CourseRequestDatesInput:
    start: date
    end: date


@strawberry.input(description="An organisation's request for an internal facilitator training course.")
class CourseRequestInput:
    organisation: str = strawberry.field(description="Your organisation's code, as your sign-in carries it.")
    region: str = strawberry.field(description="The academy's region that is asked to run the course.")
    contact: CourseRequestContactInput
    preferred_dates: CourseRequestDatesInput
    staff_count: int = strawberry.field(description="How many staff would attend (1 to 500).")
    preferred_mode: SessionMode | None = None
    notes: str | None = None


REFUSED = "facilitator-svc refused the course request"


def course_request_from(data: api.CourseRequestOut) -> CourseRequest:
    return CourseRequest(
        id=strawberry.ID(str(data.id)),
        organisation=data.organisation,
        region=data.region,
        contact=CourseRequestContact(
            name=data.contact.name,
            email=data.contact.email,
            phone=data.contact.phone.root if data.contact.phone is not None else None,
        ),
        preferred_dates=CourseRequestDates(start=data.preferred_dates.start, end=data.preferred_dates.end),
        preferred_mode=SessionMode(data.preferred_mode.value) if data.preferred_mode is not None else None,
        staff_count=data.staff_count,
        notes=data.notes,
        status=CourseRequestStatus(data.status.value),
        requested_at=data.requested_at,
        decided_at=data.decided_at,
        course_id=optional_id(data.course_id),
        decline_reason=data.decline_reason,
    )


def _refused(refusal: Refusal, sent_as: tuple[str, ...]) -> CourseRequestRefused:
    return refused_as(CourseRequestRefused, refusal.problem, fallback=REFUSED, sent_as=sent_as)


def _request(id: str, action: str = "") -> str:
    return f"/v1/course-requests/{quote(id, safe='')}{action}"


@strawberry.type
class CourseRequestQuery:
    @strawberry.field(
        description="Organisations' requests for internal facilitator training courses, in the order they came: "
        "those to your region (academy administrators), or your own organisation's (partners)."
    )
    async def course_requests(
        self,
        info: Info[Context, None],
        status: CourseRequestStatus | None = None,
        first: First = 20,
        after: Cursor = None,
    ) -> Connection[CourseRequest] | None:
        params = {"limit": str(first)}
        if status is not None:
            params["status"] = status.value
        if after is not None:
            params["cursor"] = after
        page = await info.context.facilitator.get("/v1/course-requests", api.CourseRequestList, params)
        # As for courses: an edge's cursor is its request's id, pageInfo.endCursor continues the list.
        edges = [Edge(cursor=str(item.id), node=course_request_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        )

    @strawberry.field(
        description="One course request and its answer: the region's administrators, or a partner of the "
        "organisation that asked."
    )
    async def course_request(self, info: Info[Context, None], id: strawberry.ID) -> CourseRequest | None:
        return course_request_from(await info.context.facilitator.get(_request(id), api.CourseRequestOut))


@strawberry.type
class CourseRequestMutation:
    @strawberry.mutation(
        description="Ask an academy for an internal facilitator training course for your organisation's staff "
        "(partners, for their own organisation). The same idempotencyKey returns the first request."
    )
    async def request_course(
        self, info: Info[Context, None], input: CourseRequestInput, idempotency_key: IdempotencyKey = None
    ) -> RequestCourseResult | None:
        answer = await info.context.facilitator.send_outcome(
            "POST",
            "/v1/course-requests",
            api.CourseRequestOut,
            rest_body(input),
            headers={"Idempotency-Key": idempotency_key} if idempotency_key else None,
        )
        return _refused(answer, ("input",)) if isinstance(answer, Refusal) else course_request_from(answer)

    @strawberry.mutation(
        description="Answer a request of your region with a facilitator training course for the organisation, "
        "under the same rules as createCourse (academy administrators); a request is answered once."
    )
    async def schedule_course_request(
        self, info: Info[Context, None], id: strawberry.ID, course: CourseInput
    ) -> ScheduleCourseRequestResult | None:
        answer = await info.context.facilitator.post_outcome(
            _request(id, "/schedule"), api.ScheduledOut, {"course": rest_body(course)}
        )
        if isinstance(answer, Refusal):
            return _refused(answer, ())
        return CourseRequestScheduled(request=course_request_from(answer.request), course=course_from(answer.course))

    @strawberry.mutation(
        description="Decline a request of your region, saying why; the organisation is told (academy "
        "administrators). A request is answered once."
    )
    async def decline_course_request(
        self, info: Info[Context, None], id: strawberry.ID, reason: str
    ) -> DeclineCourseRequestResult | None:
        answer = await info.context.facilitator.post_outcome(
            _request(id, "/decline"), api.CourseRequestOut, {"reason": reason}
        )
        return _refused(answer, ()) if isinstance(answer, Refusal) else course_request_from(answer)
