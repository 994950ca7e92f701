from __future__ import annotations

from hlm_kit.errors import NotFound


class ResourceNotFound(NotFound):
    code = "resource-not-found"
