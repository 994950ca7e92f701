from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from facilitator_svc.clock import Now
from facilitator_svc.config import AppSettings
from facilitator_svc.csv_files import CSV_MEDIA_TYPE, read_body
from facilitator_svc.facilitators.schemas import Email
from facilitator_svc.training import assessment_csv, schemas
from facilitator_svc.training import service as training_service
from facilitator_svc.training.models import CourseKind
from hlm_kit.auth import Admin, AdminOrFacilitator, Facilitator
from hlm_kit.db import Session
from hlm_kit.pagination import Cursor, page_limit

router = APIRouter(prefix="/v1/training", tags=["training"])

REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "A rule refuses it; the problem's errors give each reason"}
}


# The register's page size: 100 unless asked, at most 500.
PageLimit = Annotated[int, page_limit(default=100, maximum=500)]


@router.post("/courses", status_code=status.HTTP_201_CREATED, response_model=schemas.CourseOut)
async def create_course(
    response: Response, session: Session, principal: Admin, body: schemas.CourseIn, settings: AppSettings, now: Now
) -> schemas.CourseOut:
    course = await training_service.create_course(session, principal, body, settings, now)
    response.headers["Location"] = f"/v1/training/courses/{course.id}"
    return course


@router.get("/courses", response_model=schemas.CourseList, summary="The courses of your region, by date")
async def list_courses(
    session: Session,
    principal: AdminOrFacilitator,
    limit: PageLimit,
    kind: CourseKind | None = None,
    cursor: Cursor = None,
) -> schemas.CourseList:
    return await training_service.list_courses(session, principal, kind=kind, cursor=cursor, limit=limit)


@router.get("/courses/{id}", response_model=schemas.CourseOut)
async def get_course(session: Session, principal: AdminOrFacilitator, id: UUID) -> schemas.CourseOut:
    return await training_service.get_course(session, principal, id)


@router.post(
    "/courses/{id}/enrolments",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.EnrolmentOut,
    summary="A place while one is left, else the waiting list",
    responses=REFUSED,
)
async def enrol(
    session: Session,
    principal: AdminOrFacilitator,
    id: UUID,
    settings: AppSettings,
    now: Now,
    body: schemas.EnrolmentIn | None = None,
) -> schemas.EnrolmentOut:
    return await training_service.enrol(session, principal, id, body or schemas.EnrolmentIn(), settings, now)


@router.get("/courses/{id}/enrolments", response_model=schemas.EnrolmentList, summary="Places, then the waiting list")
async def list_enrolments(session: Session, principal: AdminOrFacilitator, id: UUID) -> schemas.EnrolmentList:
    return await training_service.list_enrolments(session, principal, id)


@router.get(
    "/enrolments/mine",
    response_model=schemas.EnrolmentList,
    summary="Your own places and waiting-list entries, the latest course first",
)
async def list_own_enrolments(session: Session, principal: Facilitator) -> schemas.EnrolmentList:
    return await training_service.list_own_enrolments(session, principal)


@router.post(
    "/enrolments/{id}/withdraw",
    response_model=schemas.WithdrawalOut,
    summary="Give up a place (the first on the waiting list moves up) or a waiting-list entry",
)
async def withdraw(
    session: Session, principal: AdminOrFacilitator, id: UUID, settings: AppSettings, now: Now
) -> schemas.WithdrawalOut:
    return await training_service.withdraw(session, principal, id, settings, now)


@router.post(
    "/enrolments/{id}/attendance", response_model=schemas.EnrolmentOut, summary="The trainer records attendance"
)
async def record_attendance(
    session: Session, principal: Facilitator, id: UUID, body: schemas.AttendanceIn, settings: AppSettings, now: Now
) -> schemas.EnrolmentOut:
    return await training_service.record_attendance(session, principal, id, body, settings, now)


@router.post(
    "/enrolments/{id}/complete",
    response_model=schemas.CompletionOut,
    summary="The trainer records completion; it grants or renews the accreditation",
    responses=REFUSED,
)
async def complete(
    session: Session, principal: Facilitator, id: UUID, settings: AppSettings, now: Now
) -> schemas.CompletionOut:
    return await training_service.complete(session, principal, id, settings, now)


@router.post("/assessments", status_code=status.HTTP_201_CREATED, response_model=schemas.AssessmentOut)
async def record_assessment(
    session: Session, principal: Admin, body: schemas.AssessmentIn, settings: AppSettings, now: Now
) -> schemas.AssessmentOut:
    return await training_service.record_assessment(session, principal, body, settings, now)


@router.post(
    "/assessments/import",
    response_model=schemas.AssessmentImportResult,
    summary="Record e-learning results from a CSV file of the learning system; nothing is stored when any row is wrong",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}, "example": ",".join(assessment_csv.COLUMNS)}},
        }
    },
)
async def import_assessments(
    request: Request, session: Session, principal: Admin, settings: AppSettings, now: Now
) -> schemas.AssessmentImportResult:
    body = await read_body(request, max_bytes=settings.assessment_import_max_bytes, what="the results")
    return await training_service.import_assessments(session, principal, body, settings, now)


@router.get("/assessments", response_model=schemas.AssessmentList, summary="E-learning results entered in your region")
async def list_assessments(
    session: Session,
    principal: Admin,
    limit: PageLimit,
    email: Annotated[Email | None, Query(description="one person's results")] = None,
    cursor: Cursor = None,
) -> schemas.AssessmentList:
    return await training_service.list_assessments(session, principal, email=email, cursor=cursor, limit=limit)


@router.post(
    "/interests",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InterestOut,
    summary="Express interest in train-the-trainer",
    responses=REFUSED,
)
async def express_interest(
    session: Session, principal: Facilitator, settings: AppSettings, now: Now, body: schemas.InterestIn | None = None
) -> schemas.InterestOut:
    return await training_service.express_interest(session, principal, body or schemas.InterestIn(), settings, now)


@router.get("/interests", response_model=schemas.InterestList, summary="Interest in train-the-trainer in your region")
async def list_interests(
    session: Session, principal: Admin, limit: PageLimit, cursor: Cursor = None
) -> schemas.InterestList:
    return await training_service.list_interests(session, principal, cursor=cursor, limit=limit)
