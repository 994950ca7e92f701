"""survey-svc's own copy of the published development resources, and the resources a journal goal
points to.

framework-svc publishes the whole published set after every change; the copy is replaced by each set
newer than the one it holds, so the journal never asks framework-svc anything."""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ResourcesPublishedV1
from hlm_kit.messaging.envelope import CloudEvent
from survey_svc.resources.repository import ResourceRepository
from survey_svc.resources.schemas import LinkedResource

log = structlog.get_logger(__name__)

# The journal's dimensions are the HLM's (observations and goals name HLM dimension keys).
JOURNAL_FRAMEWORK = "hlm"


async def on_published(session: AsyncSession, data: ResourcesPublishedV1, event: CloudEvent) -> None:
    """Handler of ``hlm.framework.resources.published.v1``: replace the copy with the set, unless the copy
    is as new or newer (sets may arrive out of order)."""
    repository = ResourceRepository(session)
    held = await repository.lock_set()
    if held.changed_at is not None and held.changed_at >= data.changed_at:
        log.info(
            "older set of resources ignored", changed_at=data.changed_at.isoformat(), held=held.changed_at.isoformat()
        )
        return
    await repository.replace_all(data.resources, data.changed_at)


async def of_dimensions(session: AsyncSession, dimension_keys: Iterable[str]) -> dict[str, list[LinkedResource]]:
    """For each HLM dimension key, the published resources serving it (at any level: a goal has none), by key."""
    found: dict[str, list[LinkedResource]] = {key: [] for key in dimension_keys}
    if not found:
        return found
    for resource, target in await ResourceRepository(session).serving(JOURNAL_FRAMEWORK, sorted(found)):
        found[target.dimension_key].append(
            LinkedResource(key=resource.key, title=resource.title, kind=resource.kind, link=resource.link)
        )
    return found
