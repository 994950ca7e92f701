from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from framework_svc.documents_endpoint import document_openapi, export_body, read_document
from framework_svc.questionnaires import service as questionnaire_service
from framework_svc.questionnaires.documents import QuestionnaireDocument
from framework_svc.questionnaires.schemas import QuestionnaireList, QuestionnaireOut
from hlm_kit.auth import Admin, CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.http_cache import conditional_response
from hlm_kit.pagination import Ids

router = APIRouter(prefix="/v1/questionnaires", tags=["questionnaires"])
ReplacedBy = Annotated[
    UUID | None, Query(description="a published questionnaire of the same framework that replaces it (recorded)")
]


@router.get("", response_model=QuestionnaireList)
async def list_questionnaires(
    request: Request,
    session: Session,
    principal: CurrentPrincipal,
    ids: Ids,
    framework: Annotated[str | None, Query(description="key of the framework the questionnaires are built on")] = None,
) -> Response:
    if ids is not None:
        items = await questionnaire_service.get_many(session, principal, ids)
    else:
        items = await questionnaire_service.list_for_framework(session, principal, framework)
    body = QuestionnaireList(items=items).model_dump_json().encode()
    return conditional_response(request, body)


@router.get("/{id}", response_model=QuestionnaireOut, responses={304: {"description": "Not modified"}})
async def get(request: Request, session: Session, principal: CurrentPrincipal, id: UUID) -> Response:
    questionnaire = await questionnaire_service.get(session, principal, id)
    return conditional_response(request, questionnaire.model_dump_json().encode())


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=QuestionnaireOut,
    openapi_extra=document_openapi(QuestionnaireDocument),
    summary="Import a questionnaire document as a draft version",
)
async def create(request: Request, response: Response, session: Session, _: Admin) -> QuestionnaireOut:
    document = await read_document(request, QuestionnaireDocument)
    questionnaire, replaced = await questionnaire_service.import_document(session, document)
    if replaced:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/questionnaires/{questionnaire.id}"
    return questionnaire


@router.post("/{id}/publish", response_model=QuestionnaireOut)
async def publish(session: Session, _: Admin, id: UUID) -> QuestionnaireOut:
    return await questionnaire_service.publish(session, id)


@router.post("/{id}/retire", response_model=QuestionnaireOut)
async def retire(session: Session, _: Admin, id: UUID, replaced_by: ReplacedBy = None) -> QuestionnaireOut:
    return await questionnaire_service.retire(session, id, replaced_by=replaced_by)


@router.get("/{id}/export", summary="Export a questionnaire as the document the loader reads")
async def export(session: Session, _: Admin, id: UUID, format: Literal["yaml", "json"] = "yaml") -> Response:
    body, media_type = export_body(await questionnaire_service.get_document(session, id), format)
    return Response(body, media_type=media_type)
