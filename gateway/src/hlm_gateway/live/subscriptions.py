"""Subscriptions over graphql-transport-ws. The caller is identified once, from the connection's
``Authorization`` (connection_init payload or handshake header), and only ever receives events about
what it may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from hlm_contracts import EventData, ReportReadyV1
from hlm_gateway.context import Context
from hlm_gateway.live.progress import PROGRESS_EVENTS, CycleProgress, cycle_uuid, stream_progress
from hlm_gateway.permissions import SignedIn

# The event types the gateway's queue is bound to.
LIVE_EVENTS: tuple[type[EventData], ...] = (ReportReadyV1, *PROGRESS_EVENTS)


@strawberry.type
class ReportReady:
    report_id: strawberry.ID
    cycle_id: strawberry.ID


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Your reports as they are built.", permission_classes=[SignedIn])
    async def report_ready(self, info: Info[Context, None]) -> AsyncGenerator[ReportReady, None]:
        principal = await info.context.caller()

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

    @strawberry.subscription(
        description=(
            "A cycle's progress as raters answer: the current counts first, then each change, until the cycle "
            "closes. Only for whoever may read the cycle (its participant; an academy administrator of its "
            "region): anyone else is refused with NOT_FOUND or FORBIDDEN."
        ),
        permission_classes=[SignedIn],
    )
    async def cycle_progress(
        self, info: Info[Context, None], cycle_id: strawberry.ID
    ) -> AsyncGenerator[CycleProgress | None, None]:
        wanted = cycle_uuid(str(cycle_id))
        async for progress in stream_progress(info.context.hub, info.context.survey, wanted):
            yield progress
