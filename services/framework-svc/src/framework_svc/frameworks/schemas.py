"""What the frameworks API returns."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from framework_svc.frameworks.documents import FrameworkDocument
from framework_svc.versioning import VersionStatus
from hlm_kit.pagination import Page


class VersionSummary(BaseModel):
    id: UUID
    key: str
    version: int
    status: VersionStatus
    name: str
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    replaced_by: int | None = None


class FrameworkSummary(BaseModel):
    key: str
    name: str
    dimension_label: str
    latest_version: int
    latest_published_at: datetime | None


class FrameworkList(Page[FrameworkSummary]):
    pass


class VersionList(BaseModel):
    items: list[VersionSummary]


class FrameworkCounts(BaseModel):
    dimensions: int
    elements: int
    descriptors: int
    stages: int
    indicators: int


class FrameworkTree(FrameworkDocument):
    """A whole framework version: the document an admin would export, with its state and counts."""

    id: UUID
    status: VersionStatus
    published_at: datetime | None
    counts: FrameworkCounts
