from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound

# One answer for every link that does not open a questionnaire: unknown, submitted, declined,
# withdrawn, closed or released. The rater learns nothing about which, and neither does a guesser.
LINK_NOT_VALID = "This invitation link is not valid. It may have been used, withdrawn or closed."


class InvitationNotFound(NotFound):
    code = "invitation-not-found"

    def __init__(self) -> None:
        super().__init__(LINK_NOT_VALID)


class NotAtThisStage(Conflict):
    code = "invitation-stage-conflict"
