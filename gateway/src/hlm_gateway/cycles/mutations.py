from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from hlm_gateway.arguments import IdempotencyKey
from hlm_gateway.context import Context
from hlm_gateway.cycles.types import (
    CloseCycleResult,
    CreateCycleInput,
    CreateCycleResult,
    CycleRefused,
    ExtendCycleResult,
    NominateRatersResult,
    Nomination,
    OpenCycleResult,
    RaterInput,
    RaterRemoved,
    RatersNominated,
    RemindersSent,
    RemoveRaterResult,
    SendRemindersResult,
    ThresholdNotMet,
    create_body,
    nomination_from,
)
from hlm_gateway.journey.types import Cycle, cycle_from
from hlm_gateway.problems import refused_as
from hlm_gateway.upstream import Refusal
from hlm_gateway.upstream.survey import CycleOut, RaterList, RemindersQueued
from hlm_kit.errors import Problem


def _deprecated_for(replacement: str) -> str:
    return f"Use {replacement}: it answers an expected refusal as CycleRefused, not as an error."


def _refused(problem: Problem, *, sent_as: tuple[str, ...] = ()) -> CycleRefused:
    return refused_as(CycleRefused, problem, fallback="survey-svc refused the change", sent_as=sent_as)


@strawberry.type
class CycleMutation:
    @strawberry.mutation(
        description="Start a draft cycle pinned to a published questionnaire. Send the same idempotencyKey when "
        "retrying: the cycle the first attempt made is returned, never a second one.",
        deprecation_reason=_deprecated_for("createCycleV2"),
    )
    async def create_cycle(
        self, info: Info[Context, None], input: CreateCycleInput, idempotency_key: IdempotencyKey = None
    ) -> Cycle | None:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key is not None else None
        return cycle_from(
            await info.context.survey.send("POST", "/v1/cycles", CycleOut, create_body(input), headers=headers)
        )

    @strawberry.mutation(
        description="Nominate raters by group; once the cycle is open each is invited at once.",
        deprecation_reason=_deprecated_for("nominateRatersV2"),
    )
    async def nominate_raters(
        self, info: Info[Context, None], cycle_id: strawberry.ID, raters: list[RaterInput]
    ) -> list[Nomination] | None:
        body = {"raters": [{"name": r.name, "email": r.email, "rater_group": r.rater_group.value} for r in raters]}
        found = await info.context.survey.post(f"/v1/cycles/{quote(cycle_id, safe='')}/raters", RaterList, body)
        return [nomination_from(item) for item in found.items]

    @strawberry.mutation(description="Open a 360 to its raters with its closing date, or learn every reason it cannot.")
    async def open_cycle(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> OpenCycleResult | None:
        result = await info.context.survey.post_outcome(
            f"/v1/cycles/{quote(cycle_id, safe='')}/open", CycleOut, {"closes_at": closes_at.isoformat()}
        )
        return (
            refused_as(ThresholdNotMet, result.problem, fallback="the cycle cannot open")
            if isinstance(result, Refusal)
            else cycle_from(result)
        )

    @strawberry.mutation(
        description="Withdraw a nomination; the rater's link stops working. Answers already given stay and count, "
        "and the result is the same either way, so it never tells whether they had answered.",
        deprecation_reason=_deprecated_for("removeRaterV2"),
    )
    async def remove_rater(
        self, info: Info[Context, None], cycle_id: strawberry.ID, rater_id: strawberry.ID
    ) -> bool | None:
        await info.context.survey.send("DELETE", f"{_cycle_path(cycle_id)}/raters/{quote(rater_id, safe='')}")
        return True

    @strawberry.mutation(
        description="Remind the raters who have neither submitted nor declined (the cycle is open).",
        deprecation_reason=_deprecated_for("sendRemindersV2"),
    )
    async def send_reminders(self, info: Info[Context, None], cycle_id: strawberry.ID) -> RemindersSent | None:
        found = await info.context.survey.post(f"{_cycle_path(cycle_id)}/reminders", RemindersQueued)
        return RemindersSent(reminded=found.reminded)

    @strawberry.mutation(
        description="Move a 360's closing date later; a closed cycle whose report is not released opens again.",
        deprecation_reason=_deprecated_for("extendCycleV2"),
    )
    async def extend_cycle(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> Cycle | None:
        return cycle_from(
            await info.context.survey.post(
                f"{_cycle_path(cycle_id)}/extend", CycleOut, {"closes_at": closes_at.isoformat()}
            )
        )

    @strawberry.mutation(
        description="Close your 360 early, once enough raters have submitted.",
        deprecation_reason=_deprecated_for("closeCycleV2"),
    )
    async def close_cycle(self, info: Info[Context, None], cycle_id: strawberry.ID) -> Cycle | None:
        return cycle_from(await info.context.survey.post(f"{_cycle_path(cycle_id)}/close", CycleOut))

    # The same writes with every expected refusal (survey-svc's 409 and 422) a CycleRefused in the result.

    @strawberry.mutation(
        description="Start a draft cycle pinned to a published questionnaire, or learn every reason it cannot "
        "(CycleRefused). Send the same idempotencyKey when retrying: the cycle the first attempt made is returned, "
        "never a second one."
    )
    async def create_cycle_v2(
        self, info: Info[Context, None], input: CreateCycleInput, idempotency_key: IdempotencyKey = None
    ) -> CreateCycleResult | None:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key is not None else None
        result = await info.context.survey.send_outcome(
            "POST", "/v1/cycles", CycleOut, create_body(input), headers=headers
        )
        return _refused(result.problem, sent_as=("input",)) if isinstance(result, Refusal) else cycle_from(result)

    @strawberry.mutation(
        description="Nominate raters by group; once the cycle is open each is invited at once. Refused "
        "(CycleRefused) for a self-assessment, while the nominations await approval, or with every problem of "
        "the nominations listed."
    )
    async def nominate_raters_v2(
        self, info: Info[Context, None], cycle_id: strawberry.ID, raters: list[RaterInput]
    ) -> NominateRatersResult | None:
        body = {"raters": [{"name": r.name, "email": r.email, "rater_group": r.rater_group.value} for r in raters]}
        result = await info.context.survey.post_outcome(f"{_cycle_path(cycle_id)}/raters", RaterList, body)
        if isinstance(result, Refusal):
            return _refused(result.problem)
        return RatersNominated(nominations=[nomination_from(item) for item in result.items])

    @strawberry.mutation(
        description="Withdraw a nomination; the rater's link stops working. Answers already given stay and count, "
        "and the result is the same either way. Refused (CycleRefused) while the nominations await approval."
    )
    async def remove_rater_v2(
        self, info: Info[Context, None], cycle_id: strawberry.ID, rater_id: strawberry.ID
    ) -> RemoveRaterResult | None:
        refusal = await info.context.survey.send_outcome_without_answer(
            "DELETE", f"{_cycle_path(cycle_id)}/raters/{quote(rater_id, safe='')}"
        )
        return _refused(refusal.problem) if refusal is not None else RaterRemoved(rater_id=rater_id)

    @strawberry.mutation(
        description="Remind the raters who have neither submitted nor declined; refused (CycleRefused) unless the "
        "cycle is open."
    )
    async def send_reminders_v2(self, info: Info[Context, None], cycle_id: strawberry.ID) -> SendRemindersResult | None:
        result = await info.context.survey.post_outcome(f"{_cycle_path(cycle_id)}/reminders", RemindersQueued)
        return _refused(result.problem) if isinstance(result, Refusal) else RemindersSent(reminded=result.reminded)

    @strawberry.mutation(
        description="Move a 360's closing date later; a closed cycle whose report is not released opens again. "
        "Refused (CycleRefused) once the report is released, for a draft, or with every problem of the date."
    )
    async def extend_cycle_v2(
        self, info: Info[Context, None], cycle_id: strawberry.ID, closes_at: datetime
    ) -> ExtendCycleResult | None:
        result = await info.context.survey.post_outcome(
            f"{_cycle_path(cycle_id)}/extend", CycleOut, {"closes_at": closes_at.isoformat()}
        )
        return _refused(result.problem) if isinstance(result, Refusal) else cycle_from(result)

    @strawberry.mutation(
        description="Close your 360 early; refused (CycleRefused) unless it is open and enough raters have submitted."
    )
    async def close_cycle_v2(self, info: Info[Context, None], cycle_id: strawberry.ID) -> CloseCycleResult | None:
        result = await info.context.survey.post_outcome(f"{_cycle_path(cycle_id)}/close", CycleOut)
        return _refused(result.problem) if isinstance(result, Refusal) else cycle_from(result)


def _cycle_path(cycle_id: str) -> str:
    return f"/v1/cycles/{quote(cycle_id, safe='')}"
