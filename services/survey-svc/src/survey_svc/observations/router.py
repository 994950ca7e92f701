from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session
from hlm_kit.errors import FieldError, UnprocessableContent
from hlm_kit.idempotency import IdempotencyKey
from hlm_kit.pagination import Cursor, Limit
from survey_svc.goals import service as goal_service
from survey_svc.observations import pdf
from survey_svc.observations import service as observation_service
from survey_svc.observations.schemas import ObservationIn, ObservationList, ObservationOut, ObservationPatch

router = APIRouter(prefix="/v1/observations", tags=["observations"])

MAX_SUMMARY_DAYS = 3 * 366


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
    from_: Annotated[date | None, Query(alias="from", description="first day (default: a year ago)")] = None,
    to: Annotated[date | None, Query(description="last day (default: today)")] = None,
    name: Annotated[str | None, Query(max_length=200, description="the name to print on it")] = None,
) -> Response:
    """A PDF of the caller's observations in a period, counted by dimension, with their goals."""
    today = datetime.now(UTC).date()
    on_or_before = to or today
    on_or_after = from_ or on_or_before - timedelta(days=365)
    if on_or_after > on_or_before or (on_or_before - on_or_after).days > MAX_SUMMARY_DAYS:
        raise UnprocessableContent(
            "the period is not valid",
            errors=[
                FieldError(
                    loc=["query", "from"],
                    msg=f"from must be on or before to, and at most {MAX_SUMMARY_DAYS} days earlier",
                    type="bad_period",
                )
            ],
        )
    dimensions = await observation_service.known_dimensions(session)
    observations = await observation_service.all_in_period(session, principal, on_or_after, on_or_before)
    goals = await goal_service.all_for(session, principal)
    # Rendering is CPU work: keep it off the event loop.
    body = await asyncio.to_thread(
        pdf.render,
        observations=observations,
        goals=goals,
        dimensions=dimensions,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
        name=name,
        made_at=datetime.now(UTC),
    )
    filename = f"observations-{on_or_after.isoformat()}-{on_or_before.isoformat()}.pdf"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
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
