from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class NoEarlierReport(NotFound):
    """The report may be read, but none of its participant's earlier released reports that the caller
    may read is on the same framework: there is nothing to compare it with."""

    code = "no-earlier-report"

    def __init__(self) -> None:
        super().__init__("no earlier released report on the same framework that you may read to compare with")


class NotComparable(Conflict):
    """Both reports may be read, but they are not two released reports of one participant on the same
    framework, the earlier first."""

    code = "reports-not-comparable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"these reports cannot be compared: {reason}")
