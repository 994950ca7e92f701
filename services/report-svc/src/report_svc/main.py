"""The report-svc application."""

from __future__ import annotations

from fastapi import FastAPI

from hlm_kit.app import create_service_app
from report_svc import __version__
from report_svc.config import Settings
from report_svc.consents.router import router as consents_router
from report_svc.consumers import consumers
from report_svc.database import inbox, outbox
from report_svc.group_reports.router import router as group_reports_router
from report_svc.progress.router import router as progress_router
from report_svc.reports.router import partner_router
from report_svc.reports.router import router as reports_router
from report_svc.workers import workers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="report-svc",
        version=__version__,
        description="Individual and group reports of leadership feedback, confidential by construction.",
        settings=settings,
        routers=[progress_router, reports_router, partner_router, group_reports_router, consents_router],
        outbox=outbox,
        inbox=inbox,
        consumers=consumers,
        workers=workers,
    )
    return app
