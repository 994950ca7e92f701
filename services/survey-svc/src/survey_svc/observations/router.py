from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.pagination import Cursor, Limit
from survey_svc.observations import service as observation_service
from survey_svc.observations import summary as summary_service
from survey_svc.observations.schemas import (
    ObservationIn,
    ObservationList,
    ObservationOut,
    ObservationPatch,
    SummaryPeriod,
)

router = APIRouter(prefix="/v1/observations", tags=["observations"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ObservationOut)
async def create(
    response: Response,
    session: Session,
    principal: CurrentPrincipal,
    body: ObservationIn,
    idempotency_key: IdempotencyKey = None,
) -> ObservationOut:
    """Record an observed behaviour; only its author will ever see it."""
    observation, created = await observation_service.create(session, principal, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/observations/{observation.id}"
    return observation


@router.get("", response_model=ObservationList)
async def list_observations(
    session: Session,
    principal: CurrentPrincipal,
    limit: Limit,
    dimension: Annotated[str | None, Query(description="an HLM dimension key")] = None,
    from_: Annotated[date | None, Query(alias="from", description="observed on or after")] = None,
    to: Annotated[date | None, Query(description="observed on or before")] = None,
    cursor: Cursor = None,
) -> ObservationList:
    """The caller's own entries, most recent first, filtered by dimension and dates."""
    return await observation_service.list_observations(
        session, principal, dimension=dimension, on_or_after=from_, on_or_before=to, cursor=cursor, limit=limit
    )


@router.get(
    "/summary.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The summary as a PDF"}},
)
async def summary_pdf(
    session: Session,
    principal: CurrentPrincipal,
    period: Annotated[SummaryPeriod, Query()],
    name: Annotated[str | None, Query(max_length=200, description="the name to print on it")] = None,
) -> Response:
    """A PDF of the caller's observations in a period, counted by dimension, with their goals."""
    summary = await summary_service.make(session, principal, period, name=name)
    return Response(
        summary.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{summary.filename}"'},
    )


@router.get("/{id}", response_model=ObservationOut)
async def get(session: Session, principal: CurrentPrincipal, id: UUID) -> ObservationOut:
    return await observation_service.get(session, principal, id)


@router.patch("/{id}", response_model=ObservationOut)
async def update(session: Session, principal: CurrentPrincipal, id: UUID, body: ObservationPatch) -> ObservationOut:
    return await observation_service.update(session, principal, id, body)


@router.delete("/{id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete(session: Session, principal: CurrentPrincipal, id: UUID) -> None:
    await observation_service.delete(session, principal, id)
