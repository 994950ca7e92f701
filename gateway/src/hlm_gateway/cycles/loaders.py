"""Reads of survey-svc's cycles for one request: every cycle(id) of a query in one batch call, and each
cycle's raters once however often the query asks for them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import quote
from uuid import UUID

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import ErrorCode, GatewayError
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.survey import CycleList, CycleOut, RaterList, RaterOut

# survey-svc's largest batch read by id.
MAX_BATCH_IDS = 100


def cycle_loader(survey: Upstream) -> DataLoader[str, CycleOut]:
    async def cycles_by_id(ids: Sequence[str]) -> list[CycleOut | GatewayError]:
        wanted = [i for i in ids if _is_uuid(i)]
        found: dict[str, CycleOut] = {}
        if wanted:
            try:
                page = await survey.get("/v1/cycles", CycleList, {"ids": ",".join(wanted)})
            except GatewayError as error:
                return [error] * len(ids)
            found = {str(item.id): item for item in page.items}
        # survey-svc leaves out what the caller may not read, exactly as if it did not exist.
        return [found.get(i) or GatewayError(f"no cycle {i}", ErrorCode.NOT_FOUND, service=survey.name) for i in ids]

    return DataLoader(load_fn=cycles_by_id, max_batch_size=MAX_BATCH_IDS)


def raters_by_cycle_loader(survey: Upstream) -> DataLoader[str, list[RaterOut]]:
    async def raters_by_cycle(cycle_ids: Sequence[str]) -> list[list[RaterOut] | GatewayError]:
        # survey-svc lists raters one cycle at a time (it has no batch read for them); Cycle.raters is
        # therefore offered only where a query has a single cycle (see journey.types.Cycle.raters).
        async def one(cycle_id: str) -> list[RaterOut] | GatewayError:
            try:
                return (await survey.get(f"/v1/cycles/{quote(cycle_id, safe='')}/raters", RaterList)).items
            except GatewayError as error:
                return error

        return list(await asyncio.gather(*(one(cycle_id) for cycle_id in cycle_ids)))

    return DataLoader(load_fn=raters_by_cycle)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True
