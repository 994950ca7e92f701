"""The life of a framework or questionnaire version: draft, then published (immutable), then retired."""

from __future__ import annotations

import enum
import uuid

# Ids are derived from (kind, key, version), so the same document loaded in any environment gets the
# same id: an academy's integration can hold on to a questionnaire id across staging and production.
_ID_NAMESPACE = uuid.UUID("6f1d3c52-8a47-4b0e-9a41-3d1f6f0c2b7e")


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


def version_id(kind: str, key: str, version: int) -> uuid.UUID:
    return uuid.uuid5(_ID_NAMESPACE, f"{kind}:{key}:{version}")
