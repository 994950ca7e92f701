"""The vocabularies every service shares (``hlm_contracts.enums``) exposed as GraphQL enums of the same
names and values: the schema offers exactly the values the services take and answer, with no copy of
them to fall out of step. A resolver imports them from here, so they are enums of the schema before any
type uses them."""

from __future__ import annotations

import strawberry

from hlm_contracts.enums import (
    AccreditationLevel,
    CycleKind,
    ReleaseMode,
    ResourceAudience,
    ResourceFormat,
    ResourceKind,
    SessionKind,
)

__all__ = [
    "AccreditationLevel",
    "CycleKind",
    "ReleaseMode",
    "ResourceAudience",
    "ResourceFormat",
    "ResourceKind",
    "SessionKind",
]

strawberry.enum(AccreditationLevel, description=None)
strawberry.enum(CycleKind, description=None)
strawberry.enum(ReleaseMode, description=None)
strawberry.enum(ResourceKind, description="What a development resource is.")
strawberry.enum(
    SessionKind,
    description="What a session with a facilitator is: a 360 feedback session (about a cycle's report), or "
    "coaching or mentoring (the participant's own, about no cycle).",
)
strawberry.enum(ResourceFormat, description="How a development resource is taken up.")
strawberry.enum(
    ResourceAudience, description="Whom a resource is written for; ALL_STAFF includes every other audience."
)
