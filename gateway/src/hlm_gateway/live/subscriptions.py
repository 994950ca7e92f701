"""Subscriptions over graphql-transport-ws. The caller is identified once, from the connection's
``Authorization`` (connection_init payload or handshake header), and only ever receives events about
what it may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from hlm_contracts import ReportReadyV1
from hlm_gateway.context import Context
from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_kit.auth import Principal
from hlm_kit.errors import Unauthenticated

# The event types the gateway's queue is bound to.
LIVE_EVENTS = (ReportReadyV1,)


@strawberry.type
class ReportReady:
    report_id: strawberry.ID
    cycle_id: strawberry.ID


async def caller(info: Info[Context, None]) -> Principal:
    context = info.context
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    header = params.get("Authorization") or params.get("authorization") or context.authorization or ""
    scheme, _, token = str(header).partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise GatewayError("a bearer token is required", ErrorCode.UNAUTHENTICATED)
    try:
        return await context.token_verifier.verify(token)
    except Unauthenticated as exc:
        raise GatewayError("invalid token", ErrorCode.UNAUTHENTICATED) from exc


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Your reports as they are built.")
    async def report_ready(self, info: Info[Context, None]) -> AsyncGenerator[ReportReady, None]:
        principal = await caller(info)

        # A report is announced to the person it is about, and to no one else.
        def is_mine(event: object) -> bool:
            return isinstance(event, ReportReadyV1) and event.participant_id == principal.sub

        async with info.context.hub.subscribe(is_mine) as events:
            while True:
                event = await events.get()
                assert isinstance(event, ReportReadyV1)
                yield ReportReady(
                    report_id=strawberry.ID(str(event.report_id)), cycle_id=strawberry.ID(str(event.cycle_id))
                )
