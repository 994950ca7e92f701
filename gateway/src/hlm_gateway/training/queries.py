from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import Cursor, checked, name
from hlm_gateway.context import Context
from hlm_gateway.pagination import Connection, Edge, First, PageInfo
from hlm_gateway.training.types import (
    Course,
    CourseKind,
    Enrolment,
    TrainingAssessment,
    assessment_from,
    course_from,
    enrolment_from,
)
from hlm_gateway.upstream.facilitator import AssessmentList, CourseList, CourseOut, EnrolmentList


@strawberry.type
class TrainingQuery:
    @strawberry.field(
        description="The training courses of your region by date, with places taken and the waiting list's "
        "length (academy administrators, and facilitators of the region's register)."
    )
    async def courses(
        self, info: Info[Context, None], kind: CourseKind | None = None, first: First = 20, after: Cursor = None
    ) -> Connection[Course] | None:
        params = {"limit": str(first)}
        if kind is not None:
            params["kind"] = kind.value
        if after is not None:
            params["cursor"] = after
        page = await info.context.facilitator.get("/v1/training/courses", CourseList, params)
        next_cursor = page.next_cursor
        # facilitator-svc's cursors are opaque and only the page's last is known: an edge's cursor is its
        # course's id, and pageInfo.endCursor is what continues the list.
        edges = [Edge(cursor=str(item.id), node=course_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=next_cursor is not None, end_cursor=next_cursor)
        )

    @strawberry.field(description="One training course of your region.")
    async def course(self, info: Info[Context, None], id: strawberry.ID) -> Course | None:
        return course_from(await info.context.facilitator.get(f"/v1/training/courses/{quote(id, safe='')}", CourseOut))

    @strawberry.field(
        description="Your own places and waiting-list entries on courses, the latest course first, each waiting "
        "one with its position now (facilitators)."
    )
    async def my_enrolments(self, info: Info[Context, None]) -> list[Enrolment] | None:
        found = await info.context.facilitator.get("/v1/training/enrolments/mine", EnrolmentList)
        return [enrolment_from(item) for item in found.items]

    @strawberry.field(
        description="The e-learning assessment results entered in your region, in the order they were entered, "
        "or one person's when email is given (academy administrators)."
    )
    async def training_assessments(
        self,
        info: Info[Context, None],
        email: Annotated[str | None, checked(name, "Their email address, in any case.")] = None,
        first: First = 20,
        after: Cursor = None,
    ) -> Connection[TrainingAssessment] | None:
        params = {"limit": str(first)}
        if email is not None:
            params["email"] = email
        if after is not None:
            params["cursor"] = after
        page = await info.context.facilitator.get("/v1/training/assessments", AssessmentList, params)
        edges = [Edge(cursor=str(item.id), node=assessment_from(item)) for item in page.items]
        return Connection(
            edges=edges, page_info=PageInfo(has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor)
        )
