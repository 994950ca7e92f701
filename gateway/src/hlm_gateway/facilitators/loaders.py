"""Batched reads of the register: however many assignments of an allocation name a facilitator, their
profiles cost one call to facilitator-svc per hundred."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from hlm_gateway.errors import GatewayError
from hlm_gateway.upstream import Upstream
from hlm_gateway.upstream.facilitator import FacilitatorList, FacilitatorOut

# facilitator-svc reads at most this many ids per request.
MAX_BATCH_IDS = 100


def facilitator_loader(facilitator: Upstream) -> DataLoader[str, FacilitatorOut | None]:
    async def load(ids: Sequence[str]) -> list[FacilitatorOut | None] | list[GatewayError]:
        try:
            # The register answers for the administrator's own region only; others are left out.
            found = (await facilitator.get("/v1/facilitators", FacilitatorList, {"ids": ",".join(ids)})).items
        except GatewayError as error:
            return [error] * len(ids)
        by_id = {str(item.id): item for item in found}
        return [by_id.get(i) for i in ids]

    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH_IDS)
