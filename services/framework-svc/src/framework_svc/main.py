"""The framework-svc application."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI

from framework_svc import __version__
from framework_svc.config import Settings
from framework_svc.database import inbox, outbox
from framework_svc.frameworks.published import PublishedFrameworks
from framework_svc.frameworks.router import memory_reads
from framework_svc.frameworks.router import router as frameworks_router
from framework_svc.questionnaires.router import router as questionnaires_router
from framework_svc.resources.router import router as resources_router
from hlm_kit.app import ServiceRuntime, create_service_app
from hlm_kit.db import to_plain_url


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    published = PublishedFrameworks()

    def listen(runtime: ServiceRuntime) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        # Every process, API-only ones included: each serves framework versions from its own memory.
        url = to_plain_url(runtime.settings.database_url.get_secret_value())
        return [("catalogue-listen", published.listen(url))]

    # framework-svc consumes no events: the catalogue is the source the others learn from.
    app = create_service_app(
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
        process_tasks=listen,
        memory_reads=memory_reads(published),
    )
    app.state.published_frameworks = published
    return app
