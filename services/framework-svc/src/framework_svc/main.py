"""The framework-svc application."""

from __future__ import annotations

from fastapi import FastAPI

from framework_svc import __version__
from framework_svc.config import Settings
from framework_svc.database import inbox, outbox
from framework_svc.frameworks.router import router as frameworks_router
from framework_svc.questionnaires.router import router as questionnaires_router
from framework_svc.resources.router import router as resources_router
from hlm_kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # framework-svc consumes no events: the catalogue is the source the others learn from.
    return create_service_app(
        name="framework-svc",
        version=__version__,
        description=(
            "The catalogue of leadership frameworks, the questionnaires built on them, and the development "
            "resources that serve their dimensions."
        ),
        settings=settings,
        routers=[frameworks_router, questionnaires_router, resources_router],
        outbox=outbox,
        inbox=inbox,
    )
