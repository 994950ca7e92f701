"""Rules of the observation journal: entries are their author's alone, tagged with HLM dimensions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent
from hlm_kit.idempotency import Claim, create_once
from hlm_kit.pagination import CursorCodec
from survey_svc.observations.exceptions import FrameworkNotKnown, ObservationNotFound
from survey_svc.observations.models import Observation
from survey_svc.observations.repository import ObservationRepository
from survey_svc.observations.schemas import ObservationIn, ObservationList, ObservationOut, ObservationPatch
from survey_svc.questionnaires import service as questionnaire_service

# Entries are tagged with the dimensions of the Healthcare Leadership Model.
FRAMEWORK_KEY = "hlm"

# A journal's entries most recent first (the id breaks ties).
OBSERVATION_CURSOR = CursorCodec(tuple[date, UUID])


async def known_dimensions(session: AsyncSession) -> dict[str, str]:
    """The HLM dimensions (key -> name) of the latest HLM questionnaire this service has received."""
    names = await questionnaire_service.dimension_names(session, FRAMEWORK_KEY)
    if names is None:
        raise FrameworkNotKnown("the Healthcare Leadership Model has not reached this service yet")
    return names


async def dimension_errors(session: AsyncSession, keys: list[str] | None, loc: list[str | int]) -> list[FieldError]:
    if keys is None:
        return []
    known = await known_dimensions(session)
    return [
        FieldError(loc=[*loc, i], msg=f"{key!r} is not a dimension of the HLM", type="unknown_dimension")
        for i, key in enumerate(keys)
        if key not in known
    ]


def _date_errors(observed_on: date | None) -> list[FieldError]:
    if observed_on is not None and observed_on > datetime.now(UTC).date():
        return [FieldError(loc=["body", "observed_on"], msg="an observation cannot be in the future", type="future")]
    return []


def to_out(observation: Observation) -> ObservationOut:
    return ObservationOut(
        id=observation.id,
        observed_on=observation.observed_on,
        context=observation.context,
        what_happened=observation.what_happened,
        dimension_keys=list(observation.dimension_keys),
        reflection=observation.reflection,
        created_at=observation.created_at,
        updated_at=observation.updated_at,
    )


async def create(
    session: AsyncSession, principal: Principal, body: ObservationIn, idempotency_key: str | None
) -> tuple[ObservationOut, bool]:

    async def make(claim: Claim) -> Observation:
        errors = _date_errors(body.observed_on) + await dimension_errors(
            session, body.dimension_keys, ["body", "dimension_keys"]
        )
        if errors:
            raise UnprocessableContent(f"{len(errors)} problem(s) with the observation", errors=errors)
        observation = Observation(author_id=principal.sub, **claim.columns, **body.model_dump())
        return await ObservationRepository(session).add(observation)

    observation, created = await create_once(
        session, Observation, Observation.author_id == principal.sub, idempotency_key, body, create=make
    )
    if not created:
        return to_out(observation), False
    await session.refresh(observation)
    return to_out(observation), True


async def get(session: AsyncSession, principal: Principal, id: UUID) -> ObservationOut:
    observation = await ObservationRepository(session).own(principal.sub, id)
    if observation is None:
        raise ObservationNotFound(f"no observation {id}")
    return to_out(observation)


async def update(session: AsyncSession, principal: Principal, id: UUID, body: ObservationPatch) -> ObservationOut:
    observation = await ObservationRepository(session).own(principal.sub, id, for_update=True)
    if observation is None:
        raise ObservationNotFound(f"no observation {id}")
    changes = body.model_dump(exclude_unset=True)
    required = {"observed_on", "context", "what_happened", "dimension_keys"}
    errors = [
        FieldError(loc=["body", name], msg="cannot be cleared", type="required")
        for name in required
        if name in changes and changes[name] is None
    ]
    errors += _date_errors(body.observed_on)
    errors += await dimension_errors(session, body.dimension_keys, ["body", "dimension_keys"])
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the change", errors=errors)
    for name, value in changes.items():
        setattr(observation, name, value)
    observation.updated_at = datetime.now(UTC)
    await session.flush()
    return to_out(observation)


async def delete(session: AsyncSession, principal: Principal, id: UUID) -> None:
    observation = await ObservationRepository(session).own(principal.sub, id, for_update=True)
    if observation is None:
        raise ObservationNotFound(f"no observation {id}")
    await session.delete(observation)


async def list_observations(
    session: AsyncSession,
    principal: Principal,
    *,
    dimension: str | None,
    on_or_after: date | None,
    on_or_before: date | None,
    cursor: str | None,
    limit: int,
) -> ObservationList:
    found = await ObservationRepository(session).page(
        principal.sub,
        dimension=dimension,
        on_or_after=on_or_after,
        on_or_before=on_or_before,
        after=OBSERVATION_CURSOR.decode(cursor),
        limit=limit + 1,
    )
    page, next_cursor = OBSERVATION_CURSOR.page(found, limit, key=lambda o: (o.observed_on, o.id))
    return ObservationList(items=[to_out(o) for o in page], next_cursor=next_cursor)


async def all_in_period(
    session: AsyncSession, principal: Principal, on_or_after: date, on_or_before: date
) -> list[Observation]:
    """Every entry of the author in the period, oldest first (for the summary)."""
    found = await ObservationRepository(session).page(
        principal.sub, dimension=None, on_or_after=on_or_after, on_or_before=on_or_before, after=None, limit=10_000
    )
    return list(reversed(found))
