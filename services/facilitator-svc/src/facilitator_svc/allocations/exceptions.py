from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class AllocationNotFound(NotFound):
    code = "allocation-not-found"


class AllocationNotReady(Conflict):
    """The allocation is not in a state that allows this (still running, failed, confirmed...)."""

    code = "allocation-not-ready"
