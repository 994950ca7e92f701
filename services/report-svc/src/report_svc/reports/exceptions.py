from __future__ import annotations

from hlm_kit.errors import Conflict, Forbidden, NotFound


class ReportNotFound(NotFound):
    """No such report, or not one the caller may read: the two answer alike so existence leaks nothing."""

    def __init__(self) -> None:
        super().__init__("no report with that id that you may read")


class AwaitingRelease(Forbidden):
    def __init__(self) -> None:
        super().__init__("your report is waiting for your facilitator, who releases it at your feedback session")


class NothingToRelease(Conflict):
    def __init__(self) -> None:
        super().__init__("too few responses arrived for a 360 report: there is nothing to release")
