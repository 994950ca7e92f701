from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from hlm_contracts import PublishedResource
from hlm_kit.repository import RepositoryBase
from report_svc.resources.models import Resource, ResourceSet, ResourceTarget

ONLY_SET = 1


class ResourceRepository(RepositoryBase[Resource]):
    model = Resource

    async def lock_set(self) -> ResourceSet:
        """The copy's one row, created empty before the first set, locked for this transaction."""
        await self.session.execute(
            upsert(ResourceSet).values(id=ONLY_SET).on_conflict_do_nothing(index_elements=["id"])
        )
        result = await self.session.execute(
            select(ResourceSet)
            .where(ResourceSet.id == ONLY_SET)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one()

    async def replace_all(self, resources: Sequence[PublishedResource], changed_at: datetime) -> None:
        """Replace the whole copy with ``resources`` (the caller holds the set's lock)."""
        await self.session.execute(delete(Resource))  # their targets go with them (ON DELETE CASCADE)
        if resources:
            await self.session.execute(
                insert(Resource),
                [
                    {
                        "key": r.key,
                        "version": r.version,
                        "title": r.title,
                        "kind": r.kind.value,
                        "link": r.link,
                        "document": r.model_dump(mode="json"),
                    }
                    for r in resources
                ],
            )
        # A resource naming one dimension twice is kept as one target: any level if either says so.
        levels: dict[tuple[str, str, str], list[str]] = {}
        for r in resources:
            for t in r.serves:
                target = (r.key, t.framework_key, t.dimension_key)
                if target not in levels:
                    levels[target] = list(t.from_levels)
                elif levels[target] and t.from_levels:
                    levels[target] += [level for level in t.from_levels if level not in levels[target]]
                else:
                    levels[target] = []
        targets = [
            {"resource_key": key, "framework_key": framework, "dimension_key": dimension, "from_levels": from_levels}
            for (key, framework, dimension), from_levels in levels.items()
        ]
        if targets:
            await self.session.execute(insert(ResourceTarget), targets)
        await self.session.execute(update(ResourceSet).where(ResourceSet.id == ONLY_SET).values(changed_at=changed_at))

    async def serving(
        self, framework_key: str, dimension_keys: Iterable[str]
    ) -> Sequence[tuple[Resource, ResourceTarget]]:
        """The resources serving any of ``dimension_keys`` of ``framework_key``, with the target that
        names the dimension, by resource key."""
        result = await self.session.execute(
            select(Resource, ResourceTarget)
            .join(ResourceTarget, ResourceTarget.resource_key == Resource.key)
            .where(
                ResourceTarget.framework_key == framework_key, ResourceTarget.dimension_key.in_(list(dimension_keys))
            )
            .order_by(Resource.key)
        )
        return [(row[0], row[1]) for row in result.all()]
