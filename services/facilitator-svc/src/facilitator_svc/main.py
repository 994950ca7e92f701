"""The facilitator-svc application."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI

from facilitator_svc import __version__
from facilitator_svc.allocations.router import router as allocations_router
from facilitator_svc.allocations.worker import AllocationWorker
from facilitator_svc.bookings.router import router as bookings_router
from facilitator_svc.clock import utc_now
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
from hlm_kit.app import ServiceRuntime, create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    def workers(runtime: ServiceRuntime) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        # Cohort allocations run beside the relay and the consumers; a request that queues a job wakes
        # this process's worker at once rather than at its next poll.
        allocations = AllocationWorker(runtime.sessionmaker, settings)
        app.state.allocation_worker = allocations
        reminders = accreditation_reminders.job(runtime.sessionmaker, settings, utc_now)
        return [("allocation-worker", allocations.run()), (reminders.name, reminders.run())]

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
        workers=workers,
    )
    return app
