"""The gateway application: GraphQL at /graphql, health and metrics beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import httpx
from fastapi import FastAPI
from starlette.requests import HTTPConnection
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from hlm_gateway import __version__
from hlm_gateway.config import Settings
from hlm_gateway.context import Context, UpstreamClients
from hlm_gateway.downloads import router as downloads_router
from hlm_gateway.limits import RequestSizeLimit
from hlm_gateway.live.hub import EventHub
from hlm_gateway.live.subscriptions import LIVE_EVENTS
from hlm_gateway.router import GatewayRouter
from hlm_gateway.schema import build_schema
from hlm_kit import health, heap
from hlm_kit.auth import TokenVerifier
from hlm_kit.errors import install_problem_handlers
from hlm_kit.http_client import http_client
from hlm_kit.messaging.broker import Broker
from hlm_kit.messaging.topology import Topology
from hlm_kit.observability import RequestContextMiddleware, configure_logging
from hlm_kit.tracing import TELEMETRY, configure_tracing

TransportFactory = Callable[[str], httpx.AsyncBaseTransport | None]


def create_app(settings: Settings | None = None, *, transport_for: TransportFactory | None = None) -> FastAPI:
    """Build the gateway. ``transport_for(service)`` may supply an httpx transport per service (tests
    run the real services in-process through it); by default the services are called over the network."""
    settings = settings or Settings()
    configure_logging("gateway", level=settings.log_level, json=settings.log_json)
    configure_tracing("gateway")

    def client(service: str, base_url: str) -> httpx.AsyncClient:
        return http_client(
            base_url,
            timeout_s=settings.upstream_timeout_s,
            max_connections=settings.upstream_max_connections,
            transport=transport_for(service) if transport_for else None,
        )

    broker = Broker(
        settings.amqp_url.get_secret_value(),
        Topology(settings.events_exchange, settings.dead_letter_exchange, settings.queue_prefix),
        reconnect_max_delay_s=settings.broker_reconnect_max_delay_s,
    )
    hub = EventHub(broker, LIVE_EVENTS)
    token_verifier = TokenVerifier(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(broker.connect()), asyncio.create_task(hub.run())]
        clients = UpstreamClients(
            framework=client("framework", settings.framework_url),
            survey=client("survey", settings.survey_url),
            report=client("report", settings.report_url),
            facilitator=client("facilitator", settings.facilitator_url),
        )
        app.state.clients = clients
        heap.settle()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.close()
            await clients.aclose()

    def identify(context: Context, authorization: str | None) -> Context:
        """``context`` calling the services as ``authorization``, with DataLoaders over them: for each request,
        and again for a websocket whose connection_init names the caller (for every operation on it)."""
        clients: UpstreamClients = app.state.clients
        context.identify(authorization, clients)
        return context

    async def context_getter(connection: HTTPConnection) -> Context:
        context = Context(hub=hub, token_verifier=token_verifier)
        return identify(context, connection.headers.get("authorization"))

    graphql = GatewayRouter(
        build_schema(settings),
        context_getter=context_getter,
        identify=identify,
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
    )
    app = FastAPI(title="hlm-gateway", version=__version__, lifespan=lifespan, telemetry=TELEMETRY)
    app.state.settings = settings
    app.state.hub = hub

    # The gateway owns no storage and its queries need only the services (each field fails on its own
    # when one is down), so it is ready once the process is up. Subscriptions need the broker and the
    # hub's queue: without them they degrade, reported here but never holding the queries back.
    async def live_events_bound() -> bool:
        return hub.is_bound

    app.state.readiness_checks = {}
    app.state.optional_checks = {"broker": health.broker_check(broker), "live_events": live_events_bound}
    health.report_broker(broker)
    install_problem_handlers(app)
    app.add_middleware(
        RequestSizeLimit,
        max_body_bytes=settings.max_request_body_bytes,
        max_query_string_bytes=settings.max_query_string_bytes,
        max_ws_message_bytes=settings.max_ws_message_bytes,
    )
    app.add_middleware(RequestContextMiddleware)
    # Every route is tried in turn until one matches: GraphQL first, which every page of the app calls.
    app.include_router(graphql, prefix="/graphql")
    app.include_router(health.router)
    app.include_router(downloads_router)
    return app
