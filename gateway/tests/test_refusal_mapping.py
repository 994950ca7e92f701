"""Every refusal type of the schema is made from a service's problem document by the one mapping,
``refused_as``: each shows what it declares of the message, the code, the located problems and the
unlocated reasons, whatever fields it has."""

from __future__ import annotations

from functools import partial

from hlm_gateway.cycles.types import CycleRefused, ThresholdNotMet
from hlm_gateway.problems import FieldProblem, refused_as
from hlm_gateway.reports.progress import NoEarlierReport
from hlm_gateway.reports.types import GroupTooSmall, GroupTooSmallReason
from hlm_gateway.training.types import NotEligible, TrainingReason
from hlm_kit.errors import FieldError, Problem

PROBLEM = Problem(
    type="https://hlm.example/problems/validation-error",
    title="Unprocessable Content",
    status=422,
    detail="2 problem(s) with the request",
    errors=[
        FieldError(loc=["body", "closes_at"], msg="is in the past", type="in_the_past"),
        FieldError(loc=["body", "thresholds", "peer"], msg="below the minimum", type="below_minimum"),
    ],
)


def test_a_refusal_with_code_and_problems_gets_both_located_as_the_app_sent_them() -> None:
    refused = refused_as(CycleRefused, PROBLEM, fallback="refused", sent_as=("input",))

    assert refused == CycleRefused(
        message="2 problem(s) with the request",
        code="validation-error",
        problems=[
            FieldProblem(location=["input", "closesAt"], message="is in the past", type="in_the_past"),
            FieldProblem(location=["input", "thresholds", "peer"], message="below the minimum", type="below_minimum"),
        ],
    )


def test_a_refusal_without_a_code_gets_the_message_and_problems_only() -> None:
    refused = refused_as(ThresholdNotMet, PROBLEM, fallback="refused")

    assert refused == ThresholdNotMet(
        message="2 problem(s) with the request",
        problems=[
            FieldProblem(location=["body", "closes_at"], message="is in the past", type="in_the_past"),
            FieldProblem(location=["body", "thresholds", "peer"], message="below the minimum", type="below_minimum"),
        ],
    )


def test_a_refusal_with_reasons_lists_each_unlocated() -> None:
    refused = refused_as(NotEligible, PROBLEM, fallback="refused", reasons_as=TrainingReason)

    assert refused == NotEligible(
        message="2 problem(s) with the request",
        reasons=[
            TrainingReason(type="in_the_past", message="is in the past"),
            TrainingReason(type="below_minimum", message="below the minimum"),
        ],
    )


def test_a_refusal_of_a_message_alone_takes_the_fallback_when_the_service_said_nothing() -> None:
    said_nothing = Problem(title="", status=409)

    assert refused_as(NoEarlierReport, said_nothing, fallback="no earlier report") == NoEarlierReport(
        message="no earlier report"
    )
    told = refused_as(partial(GroupTooSmall, reason=GroupTooSmallReason.TOO_FEW), PROBLEM, fallback="too few")
    assert told == GroupTooSmall(reason=GroupTooSmallReason.TOO_FEW, message="2 problem(s) with the request")
