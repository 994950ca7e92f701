from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from hlm_contracts import QuestionnairePurpose
from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.questionnaires.schemas import QuestionnaireList, QuestionnaireOut

router = APIRouter(prefix="/v1/questionnaires", tags=["questionnaires"])


@router.get("", response_model=QuestionnaireList, summary="Published questionnaires a cycle can be pinned to")
async def list_questionnaires(
    session: Session,
    _: CurrentPrincipal,
    purpose: Annotated[QuestionnairePurpose | None, Query()] = None,
    framework: Annotated[str | None, Query(description="key of the framework")] = None,
) -> QuestionnaireList:
    return await questionnaire_service.list_questionnaires(session, purpose=purpose, framework_key=framework)


@router.get("/{id}", response_model=QuestionnaireOut)
async def get(session: Session, _: CurrentPrincipal, id: UUID) -> QuestionnaireOut:
    return await questionnaire_service.get(session, id)
