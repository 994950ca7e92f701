from __future__ import annotations

from hlm_kit.errors import NotFound


class RaterNotFound(NotFound):
    code = "rater-not-found"
