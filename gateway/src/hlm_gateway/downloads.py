"""Reports as files for browser clients: ``GET /reports/{id}.pdf`` beside ``/graphql``.

A file is no GraphQL value, and a browser follows a link with a plain GET: the web front links a
participant to this route (the path is each Report's ``pdfUrl``), sending the participant's bearer token
as it does for GraphQL. The gateway forwards that token to report-svc, which alone decides who may read
which report, and streams its answer back without holding the whole file.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import httpx
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from opentelemetry import propagate
from starlette.background import BackgroundTask

from hlm_gateway.context import UpstreamClients
from hlm_kit.errors import Conflict, Forbidden, NotFound, ProblemError, Unauthenticated

router = APIRouter(tags=["downloads"])

# What report-svc says of the file that the browser needs: how to show it and under which name.
_FORWARDED_HEADERS = ("content-type", "content-disposition", "cache-control")


class _ReportServiceUnavailable(ProblemError):
    status, code = 503, "upstream-unavailable"


class _ReportServiceFailed(ProblemError):
    status, code = 502, "upstream-failed"


# 409: two reports a comparison's PDF cannot compare.
_REFUSALS: dict[int, type[ProblemError]] = {401: Unauthenticated, 403: Forbidden, 404: NotFound, 409: Conflict}


def pdf_path(report_id: str) -> str:
    """The gateway's path of a report's PDF, as GraphQL tells clients (``Report.pdfUrl``)."""
    return f"/reports/{report_id}.pdf"


def progress_pdf_path(report_id: str, since_report_id: str) -> str:
    """The gateway's path of a comparison's PDF (``Progress.pdfUrl``): the two reports it compares."""
    return f"/reports/{report_id}/progress.pdf?since={since_report_id}"


@router.get(
    "/reports/{id}.pdf",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as PDF."}},
    summary="A report you may read, as PDF",
)
async def report_pdf(
    request: Request, id: uuid.UUID, authorization: Annotated[str | None, Header()] = None
) -> StreamingResponse:
    return await _forward(request, f"/v1/reports/{id}.pdf", authorization)


@router.get(
    "/reports/{id}/progress.pdf",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}}, "description": "The progress between two reports as PDF."}},
    summary="Your progress from an earlier report to this one, as PDF",
)
async def progress_pdf(
    request: Request,
    id: uuid.UUID,
    since: uuid.UUID | None = None,
    authorization: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    path = f"/v1/reports/{id}/progress.pdf" + (f"?since={since}" if since is not None else "")
    return await _forward(request, path, authorization)


async def _forward(request: Request, path: str, authorization: str | None) -> StreamingResponse:
    clients: UpstreamClients = request.app.state.clients
    headers = {"Authorization": authorization} if authorization else {}
    propagate.inject(headers)
    upstream = clients.report.build_request("GET", path, headers=headers)
    try:
        response = await clients.report.send(upstream, stream=True)
    except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
        # A header the caller sent that cannot be forwarded is no credential at all.
        raise Unauthenticated("the Authorization header is not a credential") from None
    except (httpx.TransportError, httpx.TimeoutException):
        raise _ReportServiceUnavailable("report-svc is unavailable") from None
    if response.status_code != 200:
        try:
            await response.aread()
            detail = _detail(response)
        finally:
            await response.aclose()
        refusal = _REFUSALS.get(response.status_code)
        if refusal is None:
            raise _ReportServiceFailed("report-svc failed")
        raise refusal(detail)
    forwarded = {name: response.headers[name] for name in _FORWARDED_HEADERS if name in response.headers}
    # A participant's report is theirs alone: no shared cache keeps it, whatever report-svc said.
    forwarded.setdefault("cache-control", "private, no-store")
    return StreamingResponse(
        response.aiter_bytes(),
        headers=forwarded,
        media_type=response.headers.get("content-type"),
        background=BackgroundTask(response.aclose),
    )


def _detail(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else None
