from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hlm_kit.auth import CurrentPrincipal
from hlm_kit.db import Session, Sessionmaker
from report_svc.progress import rendering
from report_svc.progress import service as progress_service
from report_svc.progress.schemas import ProgressOut
from report_svc.reports.router import BINARY, HTML_POLICY

router = APIRouter(prefix="/v1/reports", tags=["progress"])

Since = Annotated[
    uuid.UUID | None,
    Query(
        description="the earlier report to compare with; by default the participant's latest earlier released "
        "report on the same framework that the caller may read"
    ),
]


@router.get("/{id}/progress", response_model=ProgressOut)
async def get(session: Session, principal: CurrentPrincipal, id: uuid.UUID, since: Since = None) -> ProgressOut:
    """The participant's progress from an earlier released report to this one: per dimension, self, each
    group shown on its own and all others, then, now and the change; for whoever may read both reports."""
    progress = await progress_service.get(session, principal, id, since)
    return ProgressOut(
        report_id=progress.now.id,
        since_report_id=progress.then.id,
        participant_id=progress.now.participant_id,
        content=progress.content,
    )


@router.get(
    "/{id}/progress.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The progress report."}},
)
async def get_html(session: Session, principal: CurrentPrincipal, id: uuid.UUID, since: Since = None) -> Response:
    progress = await progress_service.get(session, principal, id, since)
    return Response(
        rendering.html(progress),
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": HTML_POLICY},
    )


@router.get(
    "/{id}/progress.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": BINARY, "application/octet-stream": BINARY},
            "description": "The progress report as a tagged PDF/UA-1 (sent as application/pdf).",
        }
    },
)
async def get_pdf(
    sessionmaker: Sessionmaker, principal: CurrentPrincipal, id: uuid.UUID, since: Since = None
) -> Response:
    # Read in a unit of work of its own that ends before the render, so the render's CPU time holds no
    # pooled connection.
    async with sessionmaker.begin() as session:
        progress = await progress_service.get(session, principal, id, since)
    body = await asyncio.to_thread(rendering.pdf, progress)
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="progress-{progress.then.id}-{progress.now.id}.pdf"',
            # Like a report: opened perhaps on a shared computer, kept by no cache.
            "Cache-Control": "private, no-store",
        },
    )
