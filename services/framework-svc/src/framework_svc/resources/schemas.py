"""What the resources API takes and returns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from framework_svc.frameworks.documents import Key
from framework_svc.resources.documents import ResourceDoc
from framework_svc.versioning import VersionStatus
from hlm_kit.edge import PositiveInt32


class ResourceOut(ResourceDoc):
    """One version of a resource: its document entry, with its state."""

    status: VersionStatus
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    replaced_by: int | None = None


class ResourceList(BaseModel):
    items: list[ResourceOut]
    next_cursor: str | None = None


class ResourceRef(BaseModel):
    key: Key
    version: PositiveInt32


class ResourceRefs(BaseModel):
    """The resource versions to publish or retire, in one transaction and one event."""

    resources: list[ResourceRef] = Field(min_length=1, max_length=500)


class Imported(BaseModel):
    key: str
    version: int
    status: VersionStatus
    # created: a new draft; replaced: an earlier draft of that version overwritten; unchanged: that version
    # is already stored with the same content (a published one is left as it is).
    outcome: Literal["created", "replaced", "unchanged"]


class ImportResult(BaseModel):
    items: list[Imported]
