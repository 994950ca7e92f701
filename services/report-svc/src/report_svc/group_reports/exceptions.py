from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class TooFewParticipants(Conflict):
    """Fewer participants than the minimum: figures over so few would let a reader recognise them."""

    code = "group-too-small"

    def __init__(self, found: int, minimum: int) -> None:
        super().__init__(f"a group report needs at least {minimum} participants; {found} match")


class TooCloseToAnIssuedReport(Conflict):
    """Two group reports over sets that differ by a few participants would expose those few by subtraction."""

    code = "group-too-close-to-issued"

    def __init__(self, difference: int, minimum: int) -> None:
        super().__init__(
            f"this group report's participants differ from those of a group report already issued by "
            f"{difference}; comparing the two would expose them. Reports over the same people must differ "
            f"by at least {minimum} participants, or be the same set."
        )


class GroupReportNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no group report with that id issued to you")


class NoVisibleParticipants(NotFound):
    """Nobody in that team, organisation or region is within what the caller may see: answered as if it
    did not exist, so a caller cannot probe other organisations' or regions' teams."""

    def __init__(self) -> None:
        super().__init__("no participants of that group are visible to you")
