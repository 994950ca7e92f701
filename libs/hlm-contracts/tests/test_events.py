from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from hlm_contracts import (
    EVENT_TYPES,
    CycleOpenedV1,
    RaterGroup,
    RaterNominatedV1,
    RatingLevel,
    ReleaseMode,
    ResponseSubmittedV1,
    Thresholds,
    UnknownEventType,
    event_class,
)

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
HASH = "ab" * 32


def questionnaire_published() -> dict[str, Any]:
    return {
        "questionnaire_id": str(uuid4()),
        "key": "hlm-360",
        "version": 1,
        "name": "HLM 360 feedback",
        "purpose": "feedback_360",
        "framework_key": "hlm",
        "framework_version": 1,
        "instructions": "Rate each statement by what you have seen.",
        "dimensions": [
            {"key": "inspiring-shared-purpose", "name": "Inspiring shared purpose", "position": 1},
            {"key": "leading-with-care", "name": "Leading with care", "position": 2},
        ],
        "items": [
            {
                "key": "isp-1",
                "dimension_key": "inspiring-shared-purpose",
                "text": "Acts on values.",
                "position": 1,
            },
            {"key": "lwc-1", "dimension_key": "leading-with-care", "text": "Notices strain.", "position": 2},
        ],
        "performance_scale": [{"value": level.value, "label": level.label} for level in RatingLevel],
        "not_observed_label": "Not observed",
        "importance_scale": [{"value": v, "label": f"{v}"} for v in (1, 2, 3, 4)],
        "importance_questions": [
            {"dimension_key": "inspiring-shared-purpose", "text": "How important is this in the role?"},
        ],
        "published_at": NOW.isoformat(),
    }


def response_submitted() -> dict[str, Any]:
    return {
        "cycle_id": str(uuid4()),
        "response_id": str(uuid4()),
        "rater_group": "peer",
        "answers": [{"item_key": "isp-1", "level": 3}, {"item_key": "lwc-1", "level": None}],
        "importance": [{"dimension_key": "inspiring-shared-purpose", "rating": 4}],
        "comments": [{"dimension_key": "leading-with-care", "text": "Checks in with the team after hard shifts."}],
        "submitted_at": NOW.isoformat(),
    }


def resources_published() -> dict[str, Any]:
    return {
        "resources": [
            {
                "key": "caring-to-change",
                "version": 1,
                "title": "Caring to change",
                "kind": "reading",
                "description": "How compassion in leadership makes room for new ideas in care.",
                "provider": "King's Fund",
                "authors": ["West, M.", "Eckert, R."],
                "year": 2017,
                "link": None,
                "format": "document",
                "duration_minutes": 90,
                "cost": {"amount": "0.00", "currency": "GBP"},
                "audiences": ["all_staff"],
                "serves": [
                    {"framework_key": "hlm", "dimension_key": "leading_with_care", "from_levels": ["essential"]},
                    {"framework_key": "lf2011", "dimension_key": "improving_services", "from_levels": []},
                ],
                "published_at": NOW.isoformat(),
            }
        ],
        "changed_at": NOW.isoformat(),
    }


SAMPLES: dict[str, dict[str, Any]] = {
    "hlm.framework.resources.published.v1": resources_published(),
    "hlm.framework.questionnaire.published.v1": questionnaire_published(),
    "hlm.survey.cycle.opened.v1": {
        "cycle_id": str(uuid4()),
        "kind": "feedback_360",
        "participant_id": "auth0|5f2c",
        "organisation": "RX1",
        "region": "Midlands",
        "questionnaire_id": str(uuid4()),
        "closes_at": (NOW + timedelta(days=21)).isoformat(),
        "thresholds": {"line_manager": 1, "peer": 3, "direct_report": 3, "other": 3, "others_total": 4},
        "release_mode": "coached",
        "team_cycle_id": None,
    },
    "hlm.survey.rater.nominated.v1": {
        "cycle_id": str(uuid4()),
        "participant_id": "auth0|5f2c",
        "rater_group": "direct_report",
        "rater_email_hash": HASH,
    },
    "hlm.survey.response.submitted.v1": response_submitted(),
    "hlm.survey.cycle.closed.v1": {
        "cycle_id": str(uuid4()),
        "participant_id": "auth0|5f2c",
        "invited": {"self": 1, "line_manager": 1, "peer": 5},
        "submitted": {"self": 1, "line_manager": 1, "peer": 4},
        "closed_at": NOW.isoformat(),
    },
    "hlm.report.report.ready.v1": {
        "report_id": str(uuid4()),
        "cycle_id": str(uuid4()),
        "participant_id": "auth0|5f2c",
    },
    "hlm.report.report.released.v1": {
        "report_id": str(uuid4()),
        "cycle_id": str(uuid4()),
        "participant_id": "auth0|5f2c",
        "released_to": "auth0|5f2c",
        "released_by": "auth0|facilitator-9",
        "released_at": NOW.isoformat(),
    },
    "hlm.facilitator.session.booked.v1": {
        "booking_id": str(uuid4()),
        "facilitator_id": str(uuid4()),
        "facilitator_subject": "auth0|facilitator-9",
        "participant_id": "auth0|5f2c",
        "cycle_id": str(uuid4()),
        "starts_at": NOW.isoformat(),
        "ends_at": (NOW + timedelta(hours=1)).isoformat(),
    },
    "hlm.facilitator.session.cancelled.v1": {"booking_id": str(uuid4()), "cancelled_at": NOW.isoformat()},
    "hlm.facilitator.session.completed.v1": {"booking_id": str(uuid4()), "completed_at": NOW.isoformat()},
    "hlm.survey.participant.erased.v1": {"participant_id": "auth0|5f2c", "erased_at": NOW.isoformat()},
    "hlm.facilitator.accreditation.granted.v1": {
        "facilitator_id": str(uuid4()),
        "level": "trainer",
        "granted_on": "2026-11-20",
        "expires_on": "2029-11-20",
    },
    "hlm.facilitator.course_request.decided.v1": {
        "request_id": str(uuid4()),
        "organisation": "RX1",
        "region": "london",
        "outcome": "scheduled",
        "course_id": str(uuid4()),
        "starts_on": "2026-12-20",
        "reason": None,
        "decided_at": NOW.isoformat(),
    },
    "hlm.facilitator.accreditation_reminder.recorded.v1": {
        "reminder_id": str(uuid4()),
        "facilitator_id": str(uuid4()),
        "level": "facilitator",
        "expires_on": "2027-03-01",
        "days_before": 90,
        "renewing_courses": [{"course_id": str(uuid4()), "starts_on": "2027-01-14"}],
    },
}


def test_there_is_a_sample_of_every_event_type():
    assert set(SAMPLES) == set(EVENT_TYPES)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_every_event_round_trips_through_json(type_name):
    cls = event_class(type_name)
    event = cls.model_validate(SAMPLES[type_name])
    assert cls.model_validate_json(event.model_dump_json()) == event
    assert cls.model_validate(event.model_dump(mode="json")) == event


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_a_field_added_later_is_accepted_and_dropped(type_name):
    cls = event_class(type_name)
    event = cls.model_validate({**SAMPLES[type_name], "added_in_a_later_release": {"x": 1}})
    assert "added_in_a_later_release" not in event.model_dump()
    assert event == cls.model_validate(SAMPLES[type_name])


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_a_naive_time_is_refused(type_name):
    payload = SAMPLES[type_name]
    times = [name for name, value in payload.items() if name.endswith("_at")]
    for name in times:
        naive = datetime.fromisoformat(payload[name]).replace(tzinfo=None).isoformat()
        with pytest.raises(ValidationError, match="timezone"):
            event_class(type_name).model_validate({**payload, name: naive})


def test_events_are_frozen():
    event = ResponseSubmittedV1.model_validate(response_submitted())
    with pytest.raises(ValidationError):
        event.rater_group = RaterGroup.SELF  # type: ignore[misc]


@pytest.mark.parametrize("level", [0, 5, "strong", 2.5])
def test_a_rating_off_the_scale_is_refused(level):
    payload = response_submitted()
    payload["answers"][0]["level"] = level
    with pytest.raises(ValidationError):
        ResponseSubmittedV1.model_validate(payload)


@pytest.mark.parametrize("rating", [0, 5])
def test_an_importance_rating_off_the_scale_is_refused(rating):
    payload = response_submitted()
    payload["importance"][0]["rating"] = rating
    with pytest.raises(ValidationError):
        ResponseSubmittedV1.model_validate(payload)


def test_not_observed_is_an_explicit_null_level():
    event = ResponseSubmittedV1.model_validate(response_submitted())
    assert [a.level for a in event.answers] == [RatingLevel.STRONG, None]
    payload = response_submitted()
    del payload["answers"][1]["level"]
    with pytest.raises(ValidationError):
        ResponseSubmittedV1.model_validate(payload)


def test_an_unknown_rater_group_is_refused():
    with pytest.raises(ValidationError):
        ResponseSubmittedV1.model_validate({**response_submitted(), "rater_group": "mentor"})


def test_two_answers_to_one_item_are_refused():
    payload = response_submitted()
    payload["answers"].append({"item_key": "isp-1", "level": 1})
    with pytest.raises(ValidationError, match="duplicate answer to item 'isp-1'"):
        ResponseSubmittedV1.model_validate(payload)


def test_an_empty_comment_is_refused():
    payload = response_submitted()
    payload["comments"][0]["text"] = "   "
    with pytest.raises(ValidationError):
        ResponseSubmittedV1.model_validate(payload)


def test_a_response_has_no_field_that_could_name_a_rater():
    def field_names(model: type[Any]) -> set[str]:
        names = set()
        for name, field in model.model_fields.items():
            names.add(name)
            for arg in getattr(field.annotation, "__args__", ()):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    names |= field_names(arg)
        return names

    names = field_names(ResponseSubmittedV1)
    assert names == {
        "cycle_id",
        "response_id",
        "rater_group",
        "answers",
        "importance",
        "comments",
        "submitted_at",
        "item_key",
        "level",
        "dimension_key",
        "rating",
        "text",
    }
    for word in ("rater_id", "email", "name", "invitation", "token", "hash", "participant", "user", "sub"):
        assert not any(word in n for n in names if n != "submitted_at"), word


def test_a_nomination_carries_a_keyed_hash_and_never_the_self_group():
    payload = SAMPLES["hlm.survey.rater.nominated.v1"]
    assert RaterNominatedV1.model_validate(payload).rater_group is RaterGroup.DIRECT_REPORT
    with pytest.raises(ValidationError):
        RaterNominatedV1.model_validate({**payload, "rater_group": "self"})
    for not_a_hash in ("someone@nhs.net", "AB" * 32, "ab" * 16):
        with pytest.raises(ValidationError):
            RaterNominatedV1.model_validate({**payload, "rater_email_hash": not_a_hash})


def test_a_cycle_defaults_to_the_domain_thresholds_and_a_coached_release():
    payload = {
        k: v
        for k, v in SAMPLES["hlm.survey.cycle.opened.v1"].items()
        if k not in {"thresholds", "release_mode", "team_cycle_id"}
    }
    cycle = CycleOpenedV1.model_validate(payload)
    assert cycle.thresholds == Thresholds(line_manager=1, peer=3, direct_report=3, other=3, others_total=4)
    assert cycle.release_mode is ReleaseMode.COACHED
    assert cycle.team_cycle_id is None
    with pytest.raises(ValidationError):
        CycleOpenedV1.model_validate({**payload, "thresholds": {"peer": 0}})
    with pytest.raises(ValidationError):
        CycleOpenedV1.model_validate({**payload, "organisation": ""})


def test_counts_are_never_negative_and_keyed_by_known_groups():
    payload = SAMPLES["hlm.survey.cycle.closed.v1"]
    closed = event_class("hlm.survey.cycle.closed.v1").model_validate(payload)
    assert closed.model_dump()["invited"][RaterGroup.PEER] == 5
    for bad in ({"peer": -1}, {"mentor": 1}):
        with pytest.raises(ValidationError):
            event_class("hlm.survey.cycle.closed.v1").model_validate({**payload, "submitted": bad})


def test_a_questionnaire_refers_only_to_its_own_dimensions():
    payload = questionnaire_published()
    payload["items"][1]["dimension_key"] = "evaluating-information"
    with pytest.raises(ValidationError, match="unknown dimension 'evaluating-information'"):
        event_class("hlm.framework.questionnaire.published.v1").model_validate(payload)


def test_published_resources_name_each_resource_once_and_say_what_they_serve():
    cls = event_class("hlm.framework.resources.published.v1")
    payload = resources_published()
    event = cls.model_validate(payload)
    assert [(t.framework_key, t.dimension_key) for t in event.resources[0].serves] == [
        ("hlm", "leading_with_care"),
        ("lf2011", "improving_services"),
    ]
    with pytest.raises(ValidationError, match="duplicate resource key 'caring-to-change'"):
        cls.model_validate({**payload, "resources": payload["resources"] * 2})
    for bad in ({"serves": []}, {"kind": "webinar"}, {"audiences": []}, {"cost": {"amount": "-1", "currency": "GBP"}}):
        with pytest.raises(ValidationError):
            cls.model_validate({**payload, "resources": [{**payload["resources"][0], **bad}]})
    # Every resource retired: the published set is empty, and consumers empty their copy.
    assert cls.model_validate({**payload, "resources": []}).resources == []


def test_a_questionnaire_scale_runs_from_one_to_four():
    payload = questionnaire_published()
    payload["performance_scale"].append({"value": 5, "label": "Beyond"})
    with pytest.raises(ValidationError):
        event_class("hlm.framework.questionnaire.published.v1").model_validate(payload)


def test_a_session_ends_after_it_starts():
    payload = SAMPLES["hlm.facilitator.session.booked.v1"]
    with pytest.raises(ValidationError, match="end after it starts"):
        event_class("hlm.facilitator.session.booked.v1").model_validate({**payload, "ends_at": payload["starts_at"]})


def test_a_session_booked_before_facilitators_had_accounts_still_validates():
    # Additive within v1: an event published without the field (or for an unlinked register entry)
    # carries no facilitator account.
    payload = {k: v for k, v in SAMPLES["hlm.facilitator.session.booked.v1"].items() if k != "facilitator_subject"}
    cls = event_class("hlm.facilitator.session.booked.v1")
    assert cls.model_validate(payload).model_dump()["facilitator_subject"] is None
    assert cls.model_validate({**payload, "facilitator_subject": None}).model_dump()["facilitator_subject"] is None
    with pytest.raises(ValidationError):
        cls.model_validate({**payload, "facilitator_subject": " "})


def test_rating_levels_have_labels_lowest_first():
    assert [level.label for level in RatingLevel] == ["Essential", "Proficient", "Strong", "Exemplary"]
    assert [int(level) for level in RatingLevel] == [1, 2, 3, 4]


def test_an_unknown_type_is_a_key_error():
    with pytest.raises(UnknownEventType) as caught:
        event_class("hlm.survey.cycle.reopened.v1")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "unknown event type 'hlm.survey.cycle.reopened.v1'"
