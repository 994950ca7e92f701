import pytest

from hlm_contracts import (
    BROADCAST_EVENT_TYPES,
    CONSUMER_QUEUES,
    EVENT_TYPES,
    ConsumerQueue,
    handler_name,
    queues_for,
)

# The consumers column of ARCHITECTURE.md's event catalogue, less the gateway (its queue is its own).
SERVICE_CONSUMERS = {
    "hlm.framework.questionnaire.published.v1": {"survey", "report"},
    "hlm.survey.cycle.opened.v1": {"report", "facilitator"},
    "hlm.survey.rater.nominated.v1": {"facilitator"},
    "hlm.survey.response.submitted.v1": {"report"},
    "hlm.survey.cycle.closed.v1": {"report"},
    "hlm.report.report.ready.v1": {"facilitator"},
    "hlm.report.report.released.v1": {"survey"},
    "hlm.facilitator.session.booked.v1": {"report", "survey"},
    "hlm.facilitator.session.cancelled.v1": {"report", "survey"},
    "hlm.facilitator.session.completed.v1": {"report"},
    "hlm.survey.participant.erased.v1": {"report", "facilitator"},
    "hlm.framework.resources.published.v1": {"report", "survey"},
    # Published for whoever needs it ("(any)" in the catalogue): no service of the platform keeps a queue.
    "hlm.facilitator.accreditation.granted.v1": set(),
    "hlm.facilitator.course_request.decided.v1": set(),
    "hlm.facilitator.accreditation_reminder.recorded.v1": set(),
}


def test_the_consumers_table_names_every_event_type():
    assert set(SERVICE_CONSUMERS) == set(EVENT_TYPES)


def test_queue_names_are_unique():
    names = [queue.name for queue in CONSUMER_QUEUES]
    assert len(names) == len(set(names))


def test_every_service_consumer_in_the_catalogue_has_a_queue_and_no_one_else_does():
    consumed = {(queue.service, t) for queue in CONSUMER_QUEUES for t in queue.event_types}
    expected = {(service, t) for t, services in SERVICE_CONSUMERS.items() for service in services}
    assert consumed == expected


def test_queues_carry_only_registered_types_and_never_the_consumers_own():
    for queue in CONSUMER_QUEUES:
        for type_name in queue.event_types:
            assert type_name in EVENT_TYPES
            assert EVENT_TYPES[type_name].source != f"{queue.service}-svc"


def test_queues_are_named_service_dot_handler_after_the_event():
    names = {queue.name for queue in CONSUMER_QUEUES}
    assert {
        "survey.questionnaire_published",
        "report.questionnaire_published",
        "report.cycle_opened",
        "facilitator.cycle_opened",
        "facilitator.rater_nominated",
        "report.response_submitted",
        "report.cycle_closed",
        "facilitator.report_ready",
        "survey.report_released",
        "report.session_booked",
        "survey.session_booked",
        "report.session_cancelled",
        "survey.session_cancelled",
        "report.session_completed",
        "report.participant_erased",
        "facilitator.participant_erased",
        "report.resources_published",
        "survey.resources_published",
    } == names
    queue = ConsumerQueue("report", "cycle_opened", ("hlm.survey.cycle.opened.v1",))
    assert queue.name == "report.cycle_opened"


def test_handler_name_is_entity_and_verb():
    assert handler_name("hlm.report.report.ready.v1") == "report_ready"
    with pytest.raises(ValueError, match="not an event type"):
        handler_name("survey.cycle.opened")


def test_queues_for_a_service():
    assert {q.name for q in queues_for("survey")} == {
        "survey.questionnaire_published",
        "survey.report_released",
        "survey.session_booked",
        "survey.session_cancelled",
        "survey.resources_published",
    }
    assert queues_for("facilitator-svc") == queues_for("facilitator")
    assert queues_for("framework") == ()
    assert all(q.service == "report" for q in queues_for("report"))
    with pytest.raises(ValueError, match="unknown service"):
        queues_for("gateway")


def test_an_event_with_no_consumer_in_the_catalogue_is_broadcast_and_no_other_is():
    # Broadcast: published for whoever binds a queue, so the relay may send it to nobody. Every other
    # event is owed to the queues above, and one that reaches none is a deployment error.
    unconsumed = {t for t, services in SERVICE_CONSUMERS.items() if not services}
    assert (
        unconsumed
        == BROADCAST_EVENT_TYPES
        == {
            "hlm.facilitator.accreditation.granted.v1",
            "hlm.facilitator.course_request.decided.v1",
            "hlm.facilitator.accreditation_reminder.recorded.v1",
        }
    )
    consumed = {t for queue in CONSUMER_QUEUES for t in queue.event_types}
    assert not consumed & BROADCAST_EVENT_TYPES
    assert set(EVENT_TYPES) == consumed | BROADCAST_EVENT_TYPES
