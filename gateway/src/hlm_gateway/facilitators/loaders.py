"""Batched reads of the register: however many assignments of an allocation name a facilitator, their
profiles cost one call to facilitator-svc per hundred."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from hlm_gateway.context import Context
from hlm_gateway.errors import GatewayError

# facilitator-svc reads at most this many ids per request.
MAX_BATCH_IDS = 100


def facilitator_by_id(context: Context) -> DataLoader[str, dict[str, Any] | None]:
    """The request's loader of facilitators by id, made on first use: most requests never need it."""
    loader = context.loaders.get("facilitator_by_id")
    if loader is None:
        facilitator = context.facilitator

        async def load(ids: Sequence[str]) -> list[Any]:
            try:
                # The register answers for the administrator's own region only; others are left out.
                found = (await facilitator.get("/v1/facilitators", {"ids": ",".join(ids)}))["items"]
            except GatewayError as error:
                return [error] * len(ids)
            by_id = {item["id"]: item for item in found}
            return [by_id.get(i) for i in ids]

        loader = context.loaders["facilitator_by_id"] = DataLoader(load_fn=load, max_batch_size=MAX_BATCH_IDS)
    return loader
