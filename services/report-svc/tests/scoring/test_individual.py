"""Every number of a small 360 report, worked out by hand; the self-assessment; too few responses."""

from __future__ import annotations

import hashlib
import hmac

from hlm_contracts.enums import RaterGroup
from report_svc.scoring.individual import build_360, build_self_assessment, level_of, published
from report_svc.scoring.inputs import Response, Thresholds

from .example import CYCLE_ID, QUESTIONNAIRE, RESPONSES


def _keyed(text: str) -> str:
    return hmac.new(CYCLE_ID.bytes, text.encode(), hashlib.sha256).hexdigest()


def test_every_figure_of_the_fixed_cycle_matches_the_hand_computation() -> None:
    report = build_360(QUESTIONNAIRE, RESPONSES, Thresholds(), CYCLE_ID.bytes)

    assert report["state"] == "ready"
    assert report["response_counts"] == {"self": 1, "line_manager": 1, "peer": 3, "direct_report": 1, "other": 1}
    assert report["groups"] == [
        {"key": "line_manager", "label": "Line manager", "rater_groups": ["line_manager"], "combined": False, "n": 1},
        {
            "key": "peer_combined",
            "label": "Peers (combined with direct reports and other colleagues)",
            "rater_groups": ["peer", "direct_report", "other"],
            "combined": True,
            "n": 5,
        },
    ]
    care, vision = report["dimensions"]
    # care: self (3+4)/2 = 3.5. Raters: LM 3.0, peers 2.5 2.0 1.5, DR 4.0, other 2.0 (c1 only).
    assert care["self"] == {"score": 3.5, "level": "Exemplary"}
    assert care["others"] == {"score": 2.5, "level": "Strong", "n": 6, "range": {"min": 1.5, "max": 4.0}}
    assert care["groups"] == {
        "line_manager": {"score": 3.0, "level": "Strong", "n": 1},
        "peer_combined": {"score": 2.4, "level": "Proficient", "n": 5},  # 12.0 / 5
    }
    assert care["importance"] == {"self": 4.0, "others": 3.33, "others_n": 6}  # 20 / 6
    assert care["gap"] == 1.0
    assert (care["blind_spot"], care["hidden_strength"], care["priority"]) == (True, False, False)
    # vision: self 2.0. Raters: LM 1.5, peers 2.0 (v1 only) 2.5 1.5, DR 3.0; the other observed nothing.
    assert vision["self"] == {"score": 2.0, "level": "Proficient"}
    assert vision["others"] == {"score": 2.1, "level": "Proficient", "n": 5, "range": {"min": 1.5, "max": 3.0}}
    assert vision["groups"] == {
        "line_manager": {"score": 1.5, "level": "Essential", "n": 1},
        "peer_combined": {"score": 2.25, "level": "Proficient", "n": 4},  # 9.0 / 4
    }
    assert vision["importance"] == {"self": 2.0, "others": 3.4, "others_n": 5}  # 17 / 5
    assert vision["gap"] == -0.1
    assert (vision["blind_spot"], vision["hidden_strength"], vision["priority"]) == (False, False, True)

    assert report["blind_spots"] == ["care"]
    assert report["hidden_strengths"] == []
    assert report["priorities"] == ["vision"]

    items = {i["key"]: (i["self"], i["others"]) for i in report["items"]}
    assert items == {
        "c1": (3, {"mean": 2.33, "n": 6, "distribution": {"1": 1, "2": 3, "3": 1, "4": 1}, "not_observed": 0}),
        "c2": (4, {"mean": 2.8, "n": 5, "distribution": {"1": 0, "2": 2, "3": 2, "4": 1}, "not_observed": 1}),
        "v1": (2, {"mean": 2.2, "n": 5, "distribution": {"1": 1, "2": 2, "3": 2, "4": 0}, "not_observed": 1}),
        "v2": (2, {"mean": 2.0, "n": 4, "distribution": {"1": 1, "2": 2, "3": 1, "4": 0}, "not_observed": 2}),
    }
    assert report["top_items"] == ["c2", "c1"]
    assert report["bottom_items"] == ["v2", "v1"]

    raters_on_care = sorted(["Always makes time for the team.", "Checks on us after hard shifts."], key=_keyed)
    assert report["comments"] == [
        {"dimension_key": "care", "self": "I try hard to listen.", "others": raters_on_care},
        {"dimension_key": "vision", "self": None, "others": ["Needs a clearer plan."]},
    ]
    assert len(report["notes"]) == 2


def test_comments_carry_no_group_and_keep_their_order_however_responses_arrive() -> None:
    first = build_360(QUESTIONNAIRE, RESPONSES, Thresholds(), CYCLE_ID.bytes)
    reversed_order = build_360(QUESTIONNAIRE, list(reversed(RESPONSES)), Thresholds(), CYCLE_ID.bytes)

    assert first == reversed_order
    for group in first["comments"]:
        assert set(group) == {"dimension_key", "self", "others"}


def test_too_few_responses_from_others_give_no_360_report_and_say_how_many_are_missing() -> None:
    few = [r for r in RESPONSES if r.group in (RaterGroup.SELF, RaterGroup.LINE_MANAGER, RaterGroup.DIRECT_REPORT)]

    report = build_360(QUESTIONNAIRE, few, Thresholds(), CYCLE_ID.bytes)

    assert report["state"] == "insufficient_responses"
    assert report["insufficient"]["others_required"] == 4
    assert report["insufficient"]["others_submitted"] == 2
    assert report["insufficient"]["missing"] == 2
    assert "dimensions" not in report
    assert "comments" not in report


def test_a_group_thinned_below_its_minimum_on_a_dimension_hides_every_group_there() -> None:
    # Peers 3, direct reports 3, but only one peer observed anything of "vision": showing the line manager
    # and the direct reports there would give that one peer's score as others minus them.
    responses = [
        Response(RaterGroup.LINE_MANAGER, {"c1": 3, "c2": 3, "v1": 2, "v2": 2}),
        Response(RaterGroup.PEER, {"c1": 2, "c2": 2, "v1": 4, "v2": 4}),
        Response(RaterGroup.PEER, {"c1": 3, "c2": 3, "v1": None, "v2": None}),
        Response(RaterGroup.PEER, {"c1": 1, "c2": 2, "v1": None, "v2": None}),
        Response(RaterGroup.DIRECT_REPORT, {"c1": 1, "c2": 2, "v1": 1, "v2": 1}),
        Response(RaterGroup.DIRECT_REPORT, {"c1": 1, "c2": 2, "v1": 3, "v2": 3}),
        Response(RaterGroup.DIRECT_REPORT, {"c1": 2, "c2": 2, "v1": 3, "v2": 2}),
    ]
    report = build_360(QUESTIONNAIRE, responses, Thresholds(others_total=4), CYCLE_ID.bytes)

    care, vision = report["dimensions"]
    assert care["groups"]
    assert not care["groups_withheld"]
    assert vision["others"]["n"] == 5
    assert vision["groups"] == {}
    assert vision["groups_withheld"]


def test_the_self_assessment_shows_the_participants_own_ratings() -> None:
    own = [r for r in RESPONSES if r.group is RaterGroup.SELF]

    report = build_self_assessment(QUESTIONNAIRE, own, CYCLE_ID.bytes)

    assert report["state"] == "ready"
    assert [(d["key"], d["self"], d["importance"]) for d in report["dimensions"]] == [
        ("care", {"score": 3.5, "level": "Exemplary"}, {"self": 4.0}),
        ("vision", {"score": 2.0, "level": "Proficient"}, {"self": 2.0}),
    ]
    assert [i["self"] for i in report["items"]] == [3, 4, 2, 2]
    assert report["comments"] == [{"dimension_key": "care", "self": "I try hard to listen.", "others": []}]


def test_level_bands_start_at_1_75_2_5_and_3_25() -> None:
    from decimal import Decimal
    from fractions import Fraction

    assert [level_of(Decimal(v)) for v in ("1.00", "1.74", "1.75", "2.49", "2.50", "3.24", "3.25", "4.00")] == [
        "Essential",
        "Essential",
        "Proficient",
        "Proficient",
        "Strong",
        "Strong",
        "Exemplary",
        "Exemplary",
    ]
    assert published(Fraction(7, 3)) == Decimal("2.33")
    assert published(Fraction(9, 8)) == Decimal("1.13")  # half up, not to even
