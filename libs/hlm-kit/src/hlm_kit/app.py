"""The FastAPI application every service is built as: errors, auth, health, metrics and workers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hlm_kit import health, heap
from hlm_kit.auth import TokenVerifier
from hlm_kit.db import create_engine, create_read_sessionmaker, create_sessionmaker
from hlm_kit.edge import NulRejection
from hlm_kit.errors import install_problem_handlers
from hlm_kit.http_cache import MemoryRead, MemoryReads
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.consumer import EventConsumer
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox
from hlm_kit.messaging.relay import OutboxNotifier, OutboxRelay
from hlm_kit.messaging.topology import Topology
from hlm_kit.observability import RequestContextMiddleware, configure_logging
from hlm_kit.settings import ServiceSettings
from hlm_kit.tracing import TELEMETRY, configure_tracing


@dataclass
class ServiceRuntime:
    """What a running service holds: its engine, sessions, broker and background tasks."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    broker: Broker
    outbox: Outbox
    inbox: Inbox
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


ConsumerFactory = Callable[[ServiceRuntime], Sequence[EventConsumer]]
# Further background work of a service (periodic jobs): (task name, coroutine) pairs.
WorkerFactory = Callable[[ServiceRuntime], Sequence[tuple[str, Coroutine[Any, Any, None]]]]

log = structlog.get_logger(__name__)


def _start(runtime: ServiceRuntime, coroutine: Coroutine[Any, Any, None], name: str) -> None:
    """Run a background task for the life of the service; a crash is logged, never silently lost."""

    def report(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("background task crashed", task=name, error=repr(error), exc_info=error)

    task = asyncio.create_task(coroutine, name=name)
    task.add_done_callback(report)
    runtime.tasks.append(task)


async def _stop(runtime: ServiceRuntime, *, grace_s: float) -> None:
    """Stop the background tasks, then the broker and the engine, each within ``grace_s``. A task that
    does not finish when cancelled (a network peer that never answers) is logged with where it waits
    and left behind: the process still stops before Kubernetes' grace period runs out and kills it."""
    for task in runtime.tasks:
        task.cancel()
    if runtime.tasks:
        _, pending = await asyncio.wait(runtime.tasks, timeout=grace_s)
        for task in pending:
            frames = [f"{frame.f_code.co_filename}:{frame.f_lineno}" for frame in task.get_stack(limit=5)]
            log.warning("background task did not stop when cancelled", task=task.get_name(), waiting_at=frames)
    closing: tuple[tuple[str, Callable[[], Coroutine[Any, Any, None]]], ...] = (
        ("broker", runtime.broker.close),
        ("database", runtime.engine.dispose),
    )
    for step, close in closing:
        # wait, not wait_for: wait_for waits on for a step that ignores its cancellation, wait does not.
        closed = asyncio.create_task(close(), name=f"close-{step}")
        done, _ = await asyncio.wait([closed], timeout=grace_s)
        if not done:
            closed.cancel()
            log.warning("shutdown step did not finish in time", step=step, grace_s=grace_s)
        elif (error := closed.exception()) is not None:
            log.warning("shutdown step failed", step=step, error=repr(error))


def create_service_app(
    *,
    name: str,
    version: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    outbox: Outbox,
    inbox: Inbox,
    consumers: ConsumerFactory | None = None,
    workers: WorkerFactory | None = None,
    process_tasks: WorkerFactory | None = None,
    memory_reads: Sequence[MemoryRead] = (),
    tried_first: Sequence[APIRouter] = (),
    description: str = "",
) -> FastAPI:
    """Build a service app. Its lifespan opens the database engine, connects to the broker in the
    background (the service starts, and serves, degraded, while RabbitMQ is unreachable) and, unless
    ``settings.run_workers`` is off, runs the outbox relay, the event consumers and any ``workers`` as
    asyncio tasks. An API-only process (``run_workers`` off) runs an ``OutboxNotifier`` instead, so the
    relays of the worker processes hear of its events at once. ``process_tasks`` run in every process,
    API-only ones included: what keeps that process's own state right (a read cache's invalidation).
    ``memory_reads`` are GET routes whose answers the process holds in memory: a request they find is
    answered before routing (:class:`hlm_kit.http_cache.MemoryReads`). ``tried_first``, some of ``routers``,
    are the hot paths: routing tries their routes before the others', and the OpenAPI document keeps the order of
    ``routers`` (:func:`document_in_order`).
    """
    configure_logging(name, level=settings.log_level, json=settings.log_json)
    configure_tracing(name)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            settings.database_url.get_secret_value(),
            pool_size=settings.db_pool_size,
            pool_timeout_s=settings.db_pool_timeout_s,
        )
        topology = Topology(settings.events_exchange, settings.dead_letter_exchange, settings.queue_prefix)
        broker = Broker(
            settings.amqp_url.get_secret_value(),
            topology,
            reconnect_max_delay_s=settings.broker_reconnect_max_delay_s,
        )
        runtime = ServiceRuntime(settings, engine, create_sessionmaker(engine), broker, outbox, inbox)
        app.state.engine, app.state.sessionmaker, app.state.broker = engine, runtime.sessionmaker, broker
        app.state.read_sessionmaker = create_read_sessionmaker(engine)  # the same pool, without transactions
        app.state.runtime = runtime
        # Ready with the database alone: the outbox keeps writes working while RabbitMQ is away.
        app.state.readiness_checks = {"database": health.database_check(engine)}
        app.state.optional_checks = {"broker": health.broker_check(broker)}
        health.report_broker(broker)
        _start(runtime, broker.connect(), "broker-connect")
        for task_name, task in process_tasks(runtime) if process_tasks else ():
            _start(runtime, task, task_name)
        if settings.run_workers:
            relay = OutboxRelay(
                engine,
                outbox,
                broker,
                poll_interval_s=settings.relay_poll_interval_s,
                batch_size=settings.relay_batch_size,
                retention_days=settings.outbox_retention_days,
                linger_s=settings.outbox_linger_s,
            )
            _start(runtime, relay.run(), "outbox-relay")
            for consumer in consumers(runtime) if consumers else ():
                _start(runtime, consumer.start(), f"consume-{consumer.queue_name}")
            for worker_name, worker in workers(runtime) if workers else ():
                _start(runtime, worker, worker_name)
        else:
            # No relay here: tell the relays of the worker processes when events are committed.
            notifier = OutboxNotifier(
                engine, outbox, retry_interval_s=settings.relay_poll_interval_s, linger_s=settings.outbox_linger_s
            )
            _start(runtime, notifier.run(), "outbox-notify")
        heap.settle()
        try:
            yield
        finally:
            await _stop(runtime, grace_s=settings.shutdown_grace_s)

    app = FastAPI(title=name, version=version, description=description, lifespan=lifespan, telemetry=TELEMETRY)
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
    install_problem_handlers(app)
    if memory_reads:
        # Innermost: what the edge refuses never reaches it.
        app.add_middleware(MemoryReads, reads=memory_reads)
    # Inside the request context (its refusals carry the correlation id), before any route runs.
    app.add_middleware(NulRejection)
    app.add_middleware(RequestContextMiddleware)
    for router in (*tried_first, *(router for router in routers if router not in tried_first)):
        add_routes(app, router)
    if tried_first:
        document_in_order(app, routers)
    # Probes and scrapes last: routing tries routes in order, and the service's own requests are the many.
    add_routes(app, health.router)
    return app


def document_in_order(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Have ``app``'s OpenAPI document list its paths in the order of ``routers``, whatever order routing tries
    them in. Routing tries an app's routes one after the other, about 12,000 instructions each (a rater's
    submit, behind the sixteen routes of a participant's cycles and team 360s, spent 0.19M on them), so a
    service lists its hot paths' routers first (``create_service_app``'s ``tried_first``), while its
    document, generated from the routes' order, keeps the order it is read in. Only routes whose paths no
    route put after them could also match may go first: the first route that matches a request serves it.
    The document is FastAPI's own, its paths sorted once (a path's operations in the order their routes
    are tried, as FastAPI lists them)."""
    documented: dict[str, int] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                documented.setdefault(route.path_format, len(documented))
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, generated once and kept (our order kept with it)
        paths: dict[str, Any] = schema.get("paths", {})
        if list(paths) != (ordered := sorted(paths, key=lambda path: documented.get(path, len(documented)))):
            schema["paths"] = {path: paths[path] for path in ordered}
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way of shaping its document


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """Put the routes of ``router`` on ``app`` itself, as ``@app.post(...)`` would have: the same operations,
    in the same order, with the same OpenAPI, and ``app.dependency_overrides`` applying to them.

    ``app.include_router`` keeps a router as one entry that is searched on every request, once to find it
    and again to handle it, with bookkeeping in the request's scope for each of its routes it tries: in a
    service of a few dozen routes, choosing the route cost more than a bare FastAPI request does in all.
    Routes on the app are tried one regular expression each. A router this does not copy (anything but
    path operations, or start-up and shut-down handlers) is included as FastAPI does it. A route of a class
    of its own (:class:`hlm_kit.routing.DirectRoute`) keeps it."""
    if router.on_startup or router.on_shutdown or not all(isinstance(r, APIRoute) for r in router.routes):
        app.include_router(router)
        return
    for route in router.routes:
        assert isinstance(route, APIRoute)
        app.router.add_api_route(
            route.path,  # the router's prefix included
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=route.dependencies,
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
            strict_content_type=route.strict_content_type,
            max_body_size=route.max_body_size,
            form_limits=route.form_limits or None,
            route_class_override=type(route),
        )
