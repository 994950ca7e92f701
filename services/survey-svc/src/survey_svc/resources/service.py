"""survey-svc's own copy of the published development resources, and the resources a journal goal
points to.

framework-svc publishes the whole published set after every change; the copy is replaced by each set
newer than the one it holds, so the journal never asks framework-svc anything."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ResourcesPublishedV1
from hlm_kit.messaging.envelope import CloudEvent
from hlm_kit.resource_copy import PublishedEntry, ResourceCopyRepository
from survey_svc.resources.models import tables
from survey_svc.resources.schemas import LinkedResource

# The journal's dimensions are the HLM's (observations and goals name HLM dimension keys).
JOURNAL_FRAMEWORK = "hlm"


async def on_published(session: AsyncSession, data: ResourcesPublishedV1, event: CloudEvent) -> None:
    """Handler of ``hlm.framework.resources.published.v1``: replace the copy with the set, unless the copy
    is as new or newer (sets may arrive out of order)."""
    await ResourceCopyRepository(session, tables).replace_if_newer(data)


async def of_dimensions(session: AsyncSession, dimension_keys: Iterable[str]) -> dict[str, list[LinkedResource]]:
    """For each HLM dimension key, the published resources serving it (at any level: a goal has none), by key."""
    found: dict[str, list[LinkedResource]] = {key: [] for key in dimension_keys}
    if not found:
        return found
    for resource in await ResourceCopyRepository(session, tables).serving(JOURNAL_FRAMEWORK, sorted(found)):
        found[resource.dimension_key].append(
            LinkedResource(key=resource.key, title=resource.title, kind=resource.kind, link=resource.link)
        )
    return found


async def published(session: AsyncSession, keys: Iterable[str]) -> dict[str, PublishedEntry]:
    """The resources among ``keys`` that are published now (in this service's copy), by key."""
    return await ResourceCopyRepository(session, tables).published(keys)
