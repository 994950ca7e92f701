"""What the gateway sends a service is named as that service's request model names it: every field of an
input sent on as it is (and of each body the gateway builds) is a field of the model generated from the
service's OpenAPI document, and every field that model requires is given. A field renamed or added as
required in a service fails here once the models are generated again (``make gateway-models``), not as a
422 the app cannot explain, or a value the service silently ignores."""

from __future__ import annotations

import dataclasses
from typing import is_typeddict

import pytest
from pydantic import BaseModel

from hlm_gateway.allocations.types import CohortMemberInput, StartAllocationInput
from hlm_gateway.booking.types import MatchRequestBody
from hlm_gateway.facilitators.types import (
    AccreditationInput,
    DeclaredConflictsInput,
    FacilitatorChangesInput,
    FacilitatorInput,
    LocationInput,
    SlotInput,
    TimeWindowInput,
)
from hlm_gateway.journal.types import UpdateGoalInput, UpdateObservationInput
from hlm_gateway.responses.types import AnswerBody, CommentBody, ImportanceBody, ResponseBody
from hlm_gateway.training.types import AssessmentResultInput, CourseInput, EnrolmentBody, TraineeInput
from hlm_gateway.upstream import facilitator, survey

SENT_AS = [
    (FacilitatorInput, facilitator.FacilitatorIn),
    (AccreditationInput, facilitator.Accreditation),
    (LocationInput, facilitator.Location),
    (DeclaredConflictsInput, facilitator.Conflicts),
    (FacilitatorChangesInput, facilitator.FacilitatorPatch),
    (SlotInput, facilitator.SlotIn),
    (TimeWindowInput, facilitator.Window),
    (CourseInput, facilitator.CourseIn),
    (TraineeInput, facilitator.PersonIn),
    (EnrolmentBody, facilitator.EnrolmentIn),
    (AssessmentResultInput, facilitator.AssessmentIn),
    (CohortMemberInput, facilitator.CohortMemberIn),
    (StartAllocationInput, facilitator.AllocationIn),
    (MatchRequestBody, facilitator.MatchRequest),
    (UpdateObservationInput, survey.ObservationPatch),
    (UpdateGoalInput, survey.GoalPatch),
    (ResponseBody, survey.ResponseIn),
    (AnswerBody, survey.AnswerIn),
    (ImportanceBody, survey.ImportanceIn),
    (CommentBody, survey.CommentIn),
]


def field_names(sent: type) -> set[str]:
    if is_typeddict(sent):
        return set(sent.__required_keys__ | sent.__optional_keys__)
    return {field.name for field in dataclasses.fields(sent)}


@pytest.mark.parametrize(("sent", "model"), SENT_AS, ids=lambda t: t.__name__)
def test_a_body_sent_has_the_fields_of_the_services_request_model(sent: type, model: type[BaseModel]) -> None:
    given = field_names(sent)
    assert given <= set(model.model_fields), f"not fields of {model.__name__}: {given - set(model.model_fields)}"
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required <= given, f"{model.__name__} requires {required - given}"
