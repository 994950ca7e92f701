"""The facilitator-svc application."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from facilitator_svc import __version__
from facilitator_svc.allocations.router import router as allocations_router
from facilitator_svc.allocations.worker import AllocationWorker
from facilitator_svc.bookings.router import router as bookings_router
from facilitator_svc.clock import current_time
from facilitator_svc.config import Settings
from facilitator_svc.consumers import consumer_factory
from facilitator_svc.database import inbox, outbox
from facilitator_svc.facilitators.router import router as facilitators_router
from facilitator_svc.matching.router import router as matching_router
from facilitator_svc.register.router import router as register_router
from facilitator_svc.slots.router import router as slots_router
from facilitator_svc.training.accreditation_reminders import service as accreditation_reminders
from facilitator_svc.training.course_requests.router import router as course_requests_router
from facilitator_svc.training.router import router as training_router
from hlm_kit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="facilitator-svc",
        version=__version__,
        description="The register of feedback facilitators: matching with reasons, conflict-free booking, "
        "optimal cohort allocation, facilitator training and accreditation.",
        settings=settings,
        routers=[
            facilitators_router,
            slots_router,
            matching_router,
            bookings_router,
            allocations_router,
            training_router,
            course_requests_router,
            register_router,
        ],
        outbox=outbox,
        inbox=inbox,
        consumers=consumer_factory(settings),
    )
    # Cohort allocations run beside the relay and the consumers, in the processes that run workers.
    service_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service_lifespan(app):
            tasks: list[asyncio.Task[None]] = []
            if settings.run_workers:
                worker = AllocationWorker(app.state.sessionmaker, settings)
                app.state.allocation_worker = worker
                tasks.append(asyncio.create_task(worker.run(), name="allocation-worker"))
                reminders = accreditation_reminders.job(app.state.sessionmaker, settings, current_time)
                tasks.append(asyncio.create_task(reminders.run(), name=reminders.name))
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    app.router.lifespan_context = lifespan
    return app
