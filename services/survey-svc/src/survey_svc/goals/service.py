"""Rules of development goals: their author's alone; a reminder is due once its date has come, and is then
mailed, if the author asked for that, once per reminder date to the address their identity provider has
verified (never to an address typed in: anyone could type anyone's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_kit.auth import Principal
from hlm_kit.errors import FieldError, UnprocessableContent
from hlm_kit.idempotency import Claim, create_once
from hlm_kit.pagination import CursorCodec
from survey_svc.goals.exceptions import GoalNotFound
from survey_svc.goals.models import Goal, GoalStatus
from survey_svc.goals.repository import GoalRepository, GoalResourceRepository
from survey_svc.goals.schemas import GoalIn, GoalList, GoalOut, GoalPatch
from survey_svc.mail import service as mail_service
from survey_svc.observations.service import dimension_errors
from survey_svc.resources import service as resource_service
from survey_svc.resources.schemas import LinkedResource, SavedResource

# An author's goals are listed oldest first: the cursor holds the (created_at, id) of a page's last goal.
GOAL_CURSOR = CursorCodec(tuple[datetime, UUID])


def _today() -> date:
    return datetime.now(UTC).date()


async def _resources(session: AsyncSession, goals: Sequence[Goal]) -> dict[str, list[LinkedResource]]:
    """The published resources of every dimension the goals name, from this service's own copy."""
    return await resource_service.of_dimensions(session, {key for goal in goals for key in goal.dimension_keys})


async def _saved(session: AsyncSession, goals: Sequence[Goal]) -> dict[UUID, list[SavedResource]]:
    """The resources saved to each of the goals, in the order saved: as published now, or as saved when
    retired since."""
    rows = await GoalResourceRepository(session).of_goals([goal.id for goal in goals])
    published = await resource_service.published(session, {row.resource_key for row in rows})
    saved: dict[UUID, list[SavedResource]] = {goal.id: [] for goal in goals}
    for row in rows:
        now = published.get(row.resource_key)
        saved[row.goal_id].append(
            SavedResource(
                key=row.resource_key,
                title=now.title if now else row.title,
                kind=now.kind if now else row.kind,
                link=now.link if now else None,
                status="published" if now else "retired",
                saved_at=row.saved_at,
            )
        )
    return saved


async def _out(session: AsyncSession, goal: Goal) -> GoalOut:
    """One goal as its author reads it, with the resources of its dimensions and those saved to it."""
    saved = await _saved(session, [goal])
    return to_out(goal, resources=await _resources(session, [goal]), saved=saved[goal.id])


def to_out(
    goal: Goal,
    today: date | None = None,
    resources: dict[str, list[LinkedResource]] | None = None,
    saved: list[SavedResource] | None = None,
) -> GoalOut:
    today = today or _today()
    resources = resources or {}
    return GoalOut(
        id=goal.id,
        title=goal.title,
        description=goal.description,
        dimension_keys=list(goal.dimension_keys),
        target_on=goal.target_on,
        remind_on=goal.remind_on,
        remind_by_mail=goal.remind_email is not None,
        status=goal.status,
        reminder_due=goal.status == GoalStatus.ACTIVE and goal.remind_on is not None and goal.remind_on <= today,
        resources={key: resources.get(key, []) for key in goal.dimension_keys},
        saved_resources=saved or [],
        created_at=goal.created_at,
        updated_at=goal.updated_at,
    )


def _reminder_errors(remind_on: date | None) -> list[FieldError]:
    if remind_on is not None and remind_on < _today():
        return [FieldError(loc=["body", "remind_on"], msg="a reminder date cannot be in the past", type="in_the_past")]
    return []


def _mail_errors(principal: Principal) -> list[FieldError]:
    """Asking for reminders by mail needs an address the identity provider vouches for."""
    if principal.email is None:
        return [
            FieldError(
                loc=["body", "remind_by_mail"],
                msg="reminders are mailed only to an email address your identity provider has verified, and your "
                "sign-in carries none: verify your address there, or keep the reminder in the app",
                type="no_verified_email",
            )
        ]
    return []


def _reminder_address(principal: Principal, *, by_mail: bool, stored: str | None) -> str | None:
    """Where the goal's reminder is mailed after a write: none unless by mail; else the verified address of
    the token making the write, so a change of address at the identity provider reaches the goal with its
    next write. A token without one (only a write that did not ask for mail gets this far) keeps the
    address verified before."""
    if not by_mail:
        return None
    return principal.email or stored


async def create(
    session: AsyncSession, principal: Principal, body: GoalIn, idempotency_key: str | None
) -> tuple[GoalOut, bool]:

    async def make(claim: Claim) -> Goal:
        errors = _reminder_errors(body.remind_on)
        if body.remind_by_mail:
            errors += _mail_errors(principal)
        if body.dimension_keys:
            errors += await dimension_errors(session, body.dimension_keys, ["body", "dimension_keys"])
        if errors:
            raise UnprocessableContent(f"{len(errors)} problem(s) with the goal", errors=errors)
        goal = Goal(
            author_id=principal.sub,
            status=GoalStatus.ACTIVE,
            remind_email=_reminder_address(principal, by_mail=body.remind_by_mail, stored=None),
            **claim.columns,
            **body.model_dump(exclude={"remind_by_mail"}),
        )
        return await GoalRepository(session).add(goal)

    goal, created = await create_once(
        session, Goal, Goal.author_id == principal.sub, idempotency_key, body, create=make
    )
    if not created:
        return await _out(session, goal), False
    await session.refresh(goal)
    return await _out(session, goal), True


async def get(session: AsyncSession, principal: Principal, id: UUID) -> GoalOut:
    goal = await GoalRepository(session).own(principal.sub, id)
    if goal is None:
        raise GoalNotFound(f"no goal {id}")
    return await _out(session, goal)


async def list_goals(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None,
    reminder_due: bool,
    cursor: str | None,
    limit: int,
) -> GoalList:
    today = _today()
    found = await GoalRepository(session).page(
        principal.sub,
        status=status,
        reminder_due_on=today if reminder_due else None,
        after=GOAL_CURSOR.decode(cursor),
        limit=limit + 1,
    )
    goals, next_cursor = GOAL_CURSOR.page(found, limit, key=lambda g: (g.created_at, g.id))
    resources, saved = await _resources(session, goals), await _saved(session, goals)
    return GoalList(items=[to_out(g, today, resources, saved[g.id]) for g in goals], next_cursor=next_cursor)


async def update(session: AsyncSession, principal: Principal, id: UUID, body: GoalPatch) -> GoalOut:
    goal = await GoalRepository(session).own(principal.sub, id, for_update=True)
    if goal is None:
        raise GoalNotFound(f"no goal {id}")
    changes = body.model_dump(exclude_unset=True)
    errors = [
        FieldError(loc=["body", name], msg="cannot be cleared", type="required")
        for name in ("title", "status", "dimension_keys", "remind_by_mail")
        if name in changes and changes[name] is None
    ]
    if "remind_on" in changes:
        errors += _reminder_errors(body.remind_on)
    if changes.get("remind_by_mail"):
        errors += _mail_errors(principal)
    if body.dimension_keys:
        errors += await dimension_errors(session, body.dimension_keys, ["body", "dimension_keys"])
    if errors:
        raise UnprocessableContent(f"{len(errors)} problem(s) with the change", errors=errors)
    rearmed = "remind_on" in changes and changes["remind_on"] != goal.remind_on
    by_mail = changes.pop("remind_by_mail", goal.remind_email is not None)
    for name, value in changes.items():
        setattr(goal, name, value)
    goal.remind_email = _reminder_address(principal, by_mail=by_mail, stored=goal.remind_email)
    await _settle_reminder_mail(session, goal, rearmed=rearmed)
    goal.updated_at = datetime.now(UTC)
    await session.flush()
    return await _out(session, goal)


async def save_resource(session: AsyncSession, principal: Principal, id: UUID, resource_key: str) -> GoalOut:
    """Save a published resource to one of the author's goals, once: saving it again changes nothing."""
    goal = await GoalRepository(session).own(principal.sub, id, for_update=True)
    if goal is None:
        raise GoalNotFound(f"no goal {id}")
    resource = (await resource_service.published(session, [resource_key])).get(resource_key)
    if resource is None:
        raise UnprocessableContent(
            f"no published development resource {resource_key}",
            errors=[
                FieldError(
                    loc=["path", "resource_key"],
                    msg=f"{resource_key} is not a published development resource",
                    type="unknown_resource",
                )
            ],
        )
    await GoalResourceRepository(session).save(goal.id, resource.key, title=resource.title, kind=resource.kind)
    goal.updated_at = datetime.now(UTC)
    await session.flush()
    return await _out(session, goal)


async def remove_resource(session: AsyncSession, principal: Principal, id: UUID, resource_key: str) -> None:
    """Take a resource off one of the author's goals (nothing to do when it is not on it)."""
    goal = await GoalRepository(session).own(principal.sub, id, for_update=True)
    if goal is None:
        raise GoalNotFound(f"no goal {id}")
    await GoalResourceRepository(session).remove(goal.id, resource_key)
    goal.updated_at = datetime.now(UTC)


async def _settle_reminder_mail(session: AsyncSession, goal: Goal, *, rearmed: bool) -> None:
    """After a change: a new reminder date arms the reminder again (its date is mailed in its turn); a
    goal achieved or dropped, or no longer reminded by mail, loses the reminder mail not sent yet. A mail
    dropped that way never went, so the reminder stays armed should the goal become active again."""
    if rearmed or goal.status != GoalStatus.ACTIVE or goal.remind_email is None:
        dropped = await mail_service.cancel_goal_reminders(session, goal.id)
        if rearmed or dropped:
            goal.reminder_queued_at = None


async def queue_due_reminders(session: AsyncSession, *, limit: int) -> int:
    """Queue the reminder mail of every armed goal whose date has come (the reminder task's work); the
    caller commits. Each goal is claimed with SKIP LOCKED and marked queued in the same transaction, so
    however many replicas run this, a reminder date is mailed once."""
    now = datetime.now(UTC)
    due = await GoalRepository(session).armed_reminders(now.date(), limit)
    for goal in due:
        await mail_service.queue_goal_reminder(session, goal.id)
        goal.reminder_queued_at = now
    return len(due)


async def delete(session: AsyncSession, principal: Principal, id: UUID) -> None:
    goal = await GoalRepository(session).own(principal.sub, id, for_update=True)
    if goal is None:
        raise GoalNotFound(f"no goal {id}")
    # Its reminder mail not sent yet goes with it (ON DELETE CASCADE).
    await session.delete(goal)


async def all_for(session: AsyncSession, principal: Principal) -> list[Goal]:
    return list(await GoalRepository(session).list_for(principal.sub))
