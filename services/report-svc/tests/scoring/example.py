"""A small fixed 360 cycle whose every published figure is worked out by hand in the tests."""

from __future__ import annotations

import uuid

from hlm_contracts.enums import RaterGroup
from report_svc.scoring.inputs import Dimension, Item, Questionnaire, Response

CYCLE_ID = uuid.UUID("00000000-0000-4000-8000-000000000360")

QUESTIONNAIRE = Questionnaire(
    dimensions=(Dimension("care", "Leading with care", 1), Dimension("vision", "Sharing the vision", 2)),
    items=(
        Item("c1", "care", "They notice when someone is struggling.", 1),
        Item("c2", "care", "They make time to listen.", 2),
        Item("v1", "vision", "They explain where the service is going.", 3),
        Item("v2", "vision", "They link daily work to the plan.", 4),
    ),
)

S, LM, P, DR, OT = (
    RaterGroup.SELF,
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)

# self 1, line manager 1, peers 3, direct report 1, other 1. The direct report and the other colleague are
# below their minimum of 3; merged they are 2, still too few, so they are folded into the peers.
RESPONSES = [
    Response(S, {"c1": 3, "c2": 4, "v1": 2, "v2": 2}, {"care": 4, "vision": 2}, {"care": "I try hard to listen."}),
    Response(LM, {"c1": 3, "c2": 3, "v1": 2, "v2": 1}, {"care": 4, "vision": 3}, {"vision": "Needs a clearer plan."}),
    Response(P, {"c1": 2, "c2": 3, "v1": 2, "v2": None}, {"care": 3, "vision": 3}),
    Response(
        P, {"c1": 2, "c2": 2, "v1": 3, "v2": 2}, {"care": 4, "vision": 3}, {"care": "Always makes time for the team."}
    ),
    Response(P, {"c1": 1, "c2": 2, "v1": 1, "v2": 2}, {"care": 3, "vision": 4}),
    Response(
        DR, {"c1": 4, "c2": 4, "v1": 3, "v2": 3}, {"care": 4, "vision": 4}, {"care": "Checks on us after hard shifts."}
    ),
    Response(OT, {"c1": 2, "c2": None, "v1": None, "v2": None}, {"care": 2}),
]
