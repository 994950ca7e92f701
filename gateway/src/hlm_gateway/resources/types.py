"""Development resources as the app shows them beside a dimension: readings, e-learning, courses,
coaching and tools, each naming the dimensions it develops and the levels it helps people move on from."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from hlm_gateway.upstream.framework import ResourceOut
from hlm_gateway.vocabulary import ResourceAudience, ResourceFormat, ResourceKind


@strawberry.type(description="What taking the resource up costs; an amount of 0 means it is free.")
class ResourceCost:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")


@strawberry.type(description="A dimension (HLM) or domain (LF2011) the resource develops.")
class ResourceTarget:
    framework: str
    dimension: str
    from_levels: list[str] = strawberry.field(
        description="The rating levels it helps people move on from (HLM: essential ... exemplary); empty for any."
    )


@strawberry.type(description="A published development resource.")
class Resource:
    key: str
    version: int
    title: str
    kind: ResourceKind
    description: str
    provider: str | None
    authors: list[str]
    year: int | None
    link: str | None
    format: ResourceFormat
    duration_minutes: int | None
    cost: ResourceCost | None
    audiences: list[ResourceAudience]
    serves: list[ResourceTarget]
    published_at: datetime | None


def resource_from(data: ResourceOut) -> Resource:
    cost = data.cost
    return Resource(
        key=data.key,
        version=data.version,
        title=data.title,
        kind=ResourceKind(data.kind.value),
        description=data.description,
        provider=data.provider,
        authors=list(data.authors or []),
        year=data.year.root if data.year else None,
        link=str(data.link) if data.link is not None else None,
        format=ResourceFormat(data.format.value),
        duration_minutes=data.duration_minutes.root if data.duration_minutes else None,
        cost=ResourceCost(amount=Decimal(cost.amount), currency=cost.currency) if cost else None,
        audiences=[ResourceAudience(a.value) for a in data.audiences],
        serves=[
            ResourceTarget(
                framework=t.framework or "hlm",
                dimension=t.dimension,
                from_levels=[level.root for level in t.from_levels or []],
            )
            for t in data.serves
        ],
        published_at=data.published_at,
    )


def resource_cursor(data: ResourceOut) -> str:
    """framework-svc's cursor of the list up to this resource (its ``next_cursor`` is the same form)."""
    return f"{data.key}:{data.version}"
