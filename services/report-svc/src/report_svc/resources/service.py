"""report-svc's own copy of the published development resources, and the resources a report points to.

framework-svc publishes the whole published set after every change; the copy is replaced by each set
newer than the one it holds, so reports never ask framework-svc anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import ResourcesPublishedV1
from hlm_kit.resource_copy import ResourceCopyRepository
from report_svc.resources.models import tables


async def on_published(session: AsyncSession, data: ResourcesPublishedV1) -> None:
    """Replace the copy with the set, unless the copy is as new or newer: sets may arrive out of order."""
    await ResourceCopyRepository(session, tables).replace_if_newer(data)


@dataclass(frozen=True, slots=True)
class Serving:
    """The published resources serving some dimensions, to pick from by dimension and level."""

    by_dimension: dict[tuple[str, str], list[tuple[dict[str, Any], tuple[str, ...]]]]

    def pick(self, framework_key: str, dimension_key: str, level: str | None) -> list[dict[str, Any]]:
        """The resources of a dimension (key, title, kind, link), by key: those for any level, and those
        that help people move on from ``level`` (a level's label, ``Proficient``) when it is known."""
        return [
            resource
            for resource, from_levels in self.by_dimension.get((framework_key, dimension_key), [])
            if not from_levels or (level is not None and level.lower() in from_levels)
        ]


async def serving(session: AsyncSession, wanted: dict[str, set[str]]) -> Serving:
    """The resources serving the wanted dimension keys of each framework key, one query per framework."""
    by_dimension: dict[tuple[str, str], list[tuple[dict[str, Any], tuple[str, ...]]]] = {}
    repository = ResourceCopyRepository(session, tables)
    for framework_key, dimension_keys in sorted(wanted.items()):
        if not dimension_keys:
            continue
        for resource in await repository.serving(framework_key, sorted(dimension_keys)):
            linked = {"key": resource.key, "title": resource.title, "kind": resource.kind, "link": resource.link}
            by_dimension.setdefault((framework_key, resource.dimension_key), []).append((linked, resource.from_levels))
    return Serving(by_dimension)
