from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.problems import refused_as
from hlm_gateway.training.types import (
    REFUSED,
    AssessmentResultInput,
    AssessmentsImported,
    AttendanceResult,
    CompleteCourseResult,
    CourseInput,
    CreateCourseResult,
    EnrolmentBody,
    EnrolResult,
    ExpressInterestResult,
    ImportAssessmentsResult,
    RecordAssessmentResult,
    TraineeInput,
    TrainingRefused,
    WithdrawResult,
    assessment_from,
    completion_from,
    completion_refused_from,
    course_from,
    enrolment_from,
    interest_from,
    refused_from,
    rest_body,
    withdrawal_from,
)
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.facilitator import (
    AssessmentImportResult,
    AssessmentOut,
    CompletionOut,
    CourseOut,
    EnrolmentOut,
    InterestOut,
    WithdrawalOut,
)


def _enrolment(id: str, action: str) -> str:
    return f"/v1/training/enrolments/{quote(id, safe='')}/{action}"


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="Schedule a course of your region (academy administrators).")
    async def create_course(self, info: Info[Context, None], input: CourseInput) -> CreateCourseResult | None:
        body = await info.context.facilitator.post_outcome("/v1/training/courses", CourseOut, rest_body(input))
        return (
            refused_as(TrainingRefused, body.problem, fallback=REFUSED, sent_as=("input",))
            if isinstance(body, Refusal)
            else course_from(body)
        )

    @strawberry.mutation(
        description="Enrol on a course: a facilitator themself (no arguments); an administrator a facilitator of "
        "the register (facilitatorId) or someone new (person). A full course puts the person on its waiting "
        "list: an Enrolment with status WAITING and its waitingPosition."
    )
    async def enrol(
        self,
        info: Info[Context, None],
        course_id: strawberry.ID,
        facilitator_id: strawberry.ID | None = None,
        person: TraineeInput | None = None,
    ) -> EnrolResult | None:
        body: EnrolmentBody = {}
        if facilitator_id is not None:
            body["facilitator_id"] = str(facilitator_id)
        if person is not None:
            body["person"] = rest_body(person)
        answer = await info.context.facilitator.post_outcome(
            f"/v1/training/courses/{quote(course_id, safe='')}/enrolments", EnrolmentOut, body
        )
        return refused_from(answer.problem) if isinstance(answer, Refusal) else enrolment_from(answer)

    @strawberry.mutation(
        description="Give up a place (the first on the waiting list moves up into it) or a waiting-list entry, "
        "before the course starts: the region's administrators, or the enrolled facilitator."
    )
    async def withdraw(self, info: Info[Context, None], enrolment_id: strawberry.ID) -> WithdrawResult | None:
        body = await info.context.facilitator.post_outcome(_enrolment(enrolment_id, "withdraw"), WithdrawalOut)
        return (
            refused_as(TrainingRefused, body.problem, fallback=REFUSED, sent_as=())
            if isinstance(body, Refusal)
            else withdrawal_from(body)
        )

    @strawberry.mutation(
        description="Enter an e-learning assessment result, judged against the pass mark as it is entered "
        "(academy administrators)."
    )
    async def record_assessment(
        self, info: Info[Context, None], input: AssessmentResultInput
    ) -> RecordAssessmentResult | None:
        body = await info.context.facilitator.post_outcome("/v1/training/assessments", AssessmentOut, rest_body(input))
        return (
            refused_as(TrainingRefused, body.problem, fallback=REFUSED, sent_as=("input",))
            if isinstance(body, Refusal)
            else assessment_from(body)
        )

    @strawberry.mutation(
        description="Record e-learning results from the learning system's CSV export (a header line naming the "
        "columns name, email, score and assessed_on, then one result a line): every row, judged against the pass "
        "mark, or, when any row is wrong, none, with each problem located as line, number and column. A row the "
        "region holds already is not recorded again (academy administrators)."
    )
    async def import_assessments(self, info: Info[Context, None], csv: str) -> ImportAssessmentsResult | None:
        answer = await info.context.facilitator.send_outcome(
            "POST",
            "/v1/training/assessments/import",
            AssessmentImportResult,
            content=csv.encode(),
            headers={"Content-Type": "text/csv"},
            expected=(413, 422),
        )
        if isinstance(answer, Refusal):
            return refused_as(TrainingRefused, answer.problem, fallback=REFUSED)
        return AssessmentsImported(recorded=answer.recorded, already_recorded=answer.already_recorded)

    @strawberry.mutation(description="Express interest in train-the-trainer (facilitators).")
    async def express_interest(
        self, info: Info[Context, None], statement: str | None = None
    ) -> ExpressInterestResult | None:
        body = {"statement": statement} if statement is not None else {}
        answer = await info.context.facilitator.post_outcome("/v1/training/interests", InterestOut, body)
        return refused_from(answer.problem, sent_as=()) if isinstance(answer, Refusal) else interest_from(answer)

    @strawberry.mutation(description="Record whether the person attended, from the course's first day (its trainer).")
    async def record_attendance(
        self, info: Info[Context, None], enrolment_id: strawberry.ID, attended: bool
    ) -> AttendanceResult | None:
        body = await info.context.facilitator.post_outcome(
            _enrolment(enrolment_id, "attendance"), EnrolmentOut, {"attended": attended}
        )
        return (
            refused_as(TrainingRefused, body.problem, fallback=REFUSED, sent_as=())
            if isinstance(body, Refusal)
            else enrolment_from(body)
        )

    @strawberry.mutation(
        description="Record the course as completed for the person, which grants or renews their accreditation "
        "(the course's trainer); CompletionRefused says why it cannot be yet."
    )
    async def complete_course(
        self, info: Info[Context, None], enrolment_id: strawberry.ID
    ) -> CompleteCourseResult | None:
        body = await info.context.facilitator.post_outcome(_enrolment(enrolment_id, "complete"), CompletionOut)
        return completion_refused_from(body.problem) if isinstance(body, Refusal) else completion_from(body)
