"""What a rater does with their link alone: open the questionnaire, save a draft, submit once,
decline; and, for a line manager asked to, approve or send back the nominations.

Every link that does not open a questionnaire gets the same 404, whatever the reason (unknown,
submitted, declined, withdrawn, closed, released), and each such failure counts against the caller's
address (see ``rate_limit``; the router counts it, a write kept past the request's rollback).
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import RaterGroup
from hlm_kit.db import DriverUnit, keep
from survey_svc.config import Settings
from survey_svc.cycles import lifecycle
from survey_svc.cycles.models import Cycle, CycleStatus
from survey_svc.invitations import rate_limit, tokens
from survey_svc.invitations.exceptions import InvitationNotFound, NotAtThisStage
from survey_svc.invitations.schemas import DraftPageSaved, InvitationView, NominationView, RejectIn
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.raters.models import Invitation, InvitationStatus
from survey_svc.raters.repository import InvitationRepository, Link, OpenLink, ValueQuery
from survey_svc.responses import answers as answer_rules
from survey_svc.responses import service as response_service
from survey_svc.responses.schemas import DraftSaved, PlainResponse, ResponseIn, Submitted

Stage = Literal["approval", "feedback"]
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


@dataclass
class Opened:
    invitation: Invitation
    cycle: Cycle
    stage: Stage


@dataclass(frozen=True)
class Linked:
    link: Link
    stage: Stage


@dataclass(frozen=True)
class Caller:
    """The token a request presents and the address it came from (for the guessing limit)."""

    token: str
    address: str


async def resolve(session: AsyncSession, caller: Caller, settings: Settings, *, lock: bool = False) -> Opened:
    """The invitation and cycle a token opens, or the one 404 for every other case. ``lock`` locks the
    invitation's row for the rest of the transaction (a write that reads what it replaces)."""
    client = rate_limit.client_hash(caller.address)
    presented = await _presented(session, caller.token, client, settings)
    # The address's failure count is read in the link's own statement: one round trip for a rater's link.
    found = await InvitationRepository(session).by_token_hash(
        presented, for_update=lock, with_value=rate_limit.failures_query(client, settings)
    )
    if found is None:
        await rate_limit.ensure_allowed(session, client, settings)  # a refused address stays refused
        raise InvitationNotFound()
    invitation, cycle, stored, failures = found
    stage = _stage(
        settings,
        presented,
        stored,
        failures,
        invitation_status=invitation.status,
        rater_group=invitation.rater_group,
        cycle_status=cycle.status,
        report_released_at=cycle.report_released_at,
    )
    return Opened(invitation, cycle, stage)


async def resolve_link(session: AsyncSession, caller: Caller, settings: Settings) -> Linked:
    """As ``resolve`` (the same checks, the same 404), the few columns of the invitation and cycle that
    answering needs rather than the objects: what a rater's submit, whole draft or decline reads."""
    repository = InvitationRepository(session)

    async def find(presented: bytes, value: ValueQuery) -> Link | None:
        return await repository.link_by_token_hash(presented, with_value=value)

    return Linked(*await _checked(session, caller, settings, find))


@dataclass(frozen=True)
class OpenedLink:
    link: OpenLink
    stage: Stage


async def resolve_open(session: AsyncSession, caller: Caller, settings: Settings, *, lock: bool = False) -> OpenedLink:
    """As ``resolve`` (the same checks, the same 404), the columns a rater's page shows or writes rather than
    the invitation and cycle as objects: what opening a page, saving one and sending the draft read. ``lock``
    locks the invitation's row for the rest of the transaction."""
    repository = InvitationRepository(session)

    async def find(presented: bytes, value: ValueQuery) -> OpenLink | None:
        return await repository.open_link_by_token_hash(presented, for_update=lock, with_value=value)

    return OpenedLink(*await _checked(session, caller, settings, find))


_AnyLink = TypeVar("_AnyLink", Link, OpenLink)


async def _checked(
    session: AsyncSession,
    caller: Caller,
    settings: Settings,
    find: Callable[[bytes, ValueQuery], Awaitable[_AnyLink | None]],
) -> tuple[_AnyLink, Stage]:
    """The link ``find`` reads by the presented token's hash (with the caller's failure count in the same
    statement), and its stage; the one 404 (or 429) for any token that opens nothing."""
    client = rate_limit.client_hash(caller.address)
    presented = await _presented(session, caller.token, client, settings)
    link = await find(presented, rate_limit.failures_query(client, settings))
    if link is None:
        await rate_limit.ensure_allowed(session, client, settings)  # a refused address stays refused
        raise InvitationNotFound()
    stage = _stage(
        settings,
        presented,
        link.token_hash,
        link.value,
        invitation_status=link.invitation_status,
        rater_group=link.rater_group,
        cycle_status=link.cycle_status,
        report_released_at=link.report_released_at,
    )
    return link, stage


async def _presented(session: AsyncSession, token: str, client: bytes, settings: Settings) -> bytes:
    """The hash of a token that could be one; any other text answers the one 404 (or 429)."""
    if not _is_token(token):
        await rate_limit.ensure_allowed(session, client, settings)
        raise InvitationNotFound()
    return tokens.token_hash(token)


def _is_token(text: str) -> bool:
    return 20 <= len(text) <= 128 and set(text) <= _TOKEN_ALPHABET


def _stage(
    settings: Settings,
    presented: bytes,
    stored: bytes,
    failures: int | None,
    *,
    invitation_status: str,
    rater_group: str,
    cycle_status: str,
    report_released_at: datetime | None,
) -> Stage:
    """What a link found for ``presented`` opens, or the one 404 (429 past the address's limit). A rater's
    submit asks its "feedback" case of the database itself (``responses.repository.insert_by_link``): a
    change here is a change there."""
    rate_limit.ensure_below_limit(failures, settings)
    # The look-up is by hash, so its timing says nothing useful about any token; the hashes are still
    # compared in constant time before the link is trusted.
    if not tokens.same_hash(stored, presented):
        raise InvitationNotFound()
    if invitation_status != InvitationStatus.INVITED or report_released_at is not None:
        raise InvitationNotFound()
    if cycle_status == CycleStatus.OPEN:
        return "feedback"
    if cycle_status == CycleStatus.AWAITING_APPROVAL and rater_group == RaterGroup.LINE_MANAGER:
        return "approval"
    raise InvitationNotFound()


def _require(opened: Opened | Linked | OpenedLink, stage: Stage) -> None:
    if opened.stage != stage:
        raise NotAtThisStage(
            "the nominations are waiting for your approval first"
            if opened.stage == "approval"
            else "the nominations have already been decided"
        )


async def view(
    session: AsyncSession,
    caller: Caller,
    settings: Settings,
    *,
    with_questionnaire: bool = True,
    item_keys: Collection[str] | None = None,
    dimension_keys: Collection[str] | None = None,
) -> InvitationView:
    """What the link opens. ``item_keys`` and ``dimension_keys`` leave out of the draft every answer to
    another item and every importance rating and comment of another dimension (None: all of them), for a
    caller showing one page of the questionnaire."""
    opened = await resolve_open(session, caller, settings)
    link = opened.link
    if link.first_opened_at is None:
        # Noted after the read, in a transaction of its own: a link opened again (each page of the
        # questionnaire opens it) is a read alone, which costs no transaction.
        invitation_id, now = link.invitation_id, datetime.now(UTC)
        keep(session, lambda own: InvitationRepository(own).note_first_opened(invitation_id, now))
    page = _Page(opened.stage, link.cycle_id, link.participant_name, link.rater_group, link.closes_at)
    if opened.stage == "approval":
        return await _approval_view(session, page)
    draft = None if link.draft is None else _only(link.draft, item_keys, dimension_keys)
    return await _feedback_view(
        session, page, link.questionnaire_id, draft, link.draft_saved_at, with_questionnaire=with_questionnaire
    )


def _only(
    draft: dict[str, Any], item_keys: Collection[str] | None, dimension_keys: Collection[str] | None
) -> dict[str, Any]:
    """The stored ``draft`` with only the answers to ``item_keys`` and the importance and comments of
    ``dimension_keys`` (None: all), in their order; left out before validation, so what is left out costs
    nothing."""
    if item_keys is None and dimension_keys is None:
        return draft
    kept = dict(draft)
    if item_keys is not None:
        items = set(item_keys)
        kept["answers"] = [a for a in draft.get("answers", ()) if a["item_key"] in items]
    if dimension_keys is not None:
        dimensions = set(dimension_keys)
        for part in ("importance", "comments"):
            kept[part] = [r for r in draft.get(part, ()) if r["dimension_key"] in dimensions]
    return kept


@dataclass(frozen=True)
class _Page:
    """What an invitation's view says of the cycle and the rater."""

    stage: Stage
    cycle_id: UUID
    participant_name: str
    rater_group: str
    closes_at: datetime | None


async def _approval_view(session: AsyncSession, page: _Page) -> InvitationView:
    nominations = [
        NominationView(name=i.name, email=i.email, rater_group=i.rater_group)
        for i in await InvitationRepository(session).live(page.cycle_id)
    ]
    return InvitationView(
        stage="approval",
        participant_name=page.participant_name,
        rater_group=page.rater_group,
        closes_at=page.closes_at,
        questionnaire=None,
        draft=None,
        draft_saved_at=None,
        nominations=nominations,
    )


async def _view(session: AsyncSession, opened: Opened) -> InvitationView:
    invitation, cycle = opened.invitation, opened.cycle
    page = _Page(opened.stage, cycle.id, cycle.participant_name, invitation.rater_group, cycle.closes_at)
    if opened.stage == "approval":
        return await _approval_view(session, page)
    return await _feedback_view(session, page, cycle.questionnaire_id, invitation.draft, invitation.draft_saved_at)


async def _feedback_view(
    session: AsyncSession,
    page: _Page,
    questionnaire_id: UUID,
    draft: dict[str, Any] | None,
    draft_saved_at: datetime | None,
    *,
    with_questionnaire: bool = True,
) -> InvitationView:
    """The rater's questionnaire (unless the caller has it) and their draft as stored."""
    return InvitationView(
        stage="feedback",
        participant_name=page.participant_name,
        rater_group=page.rater_group,
        closes_at=page.closes_at,
        questionnaire=await questionnaire_service.get(session, questionnaire_id) if with_questionnaire else None,
        questionnaire_id=questionnaire_id,
        draft=None if draft is None else ResponseIn.model_validate(draft),
        draft_saved_at=draft_saved_at,
    )


async def save_draft(session: AsyncSession, caller: Caller, body: ResponseIn, settings: Settings) -> DraftSaved:
    linked = await resolve_link(session, caller, settings)
    _require(linked, "feedback")
    answer_rules.check(
        await questionnaire_service.answer_keys(session, linked.link.questionnaire_id), body, complete=False
    )
    now = datetime.now(UTC)
    if not await InvitationRepository(session).save_draft(linked.link.invitation_id, body.model_dump(mode="json"), now):
        raise InvitationNotFound()
    return DraftSaved(saved_at=now)


async def save_draft_page(
    session: AsyncSession, caller: Caller, dimension_key: str, body: ResponseIn, settings: Settings
) -> DraftPageSaved:
    """Save one dimension's answers (its items' levels, its importance, its comment) in place of what the
    draft held for that dimension, keeping the rest; the whole draft as now saved is returned. The row is
    locked while the draft is read and replaced, so two pages saved at once (two tabs) both stay."""
    opened = await resolve_open(session, caller, settings, lock=True)
    _require(opened, "feedback")
    link = opened.link
    keys = await questionnaire_service.answer_keys(session, link.questionnaire_id)
    answer_rules.check_page(keys, dimension_key, body)
    kept = ResponseIn.model_validate(link.draft) if link.draft is not None else None
    draft = answer_rules.replace_page(keys, dimension_key, kept, body)
    answer_rules.check(keys, draft, complete=False)
    now = datetime.now(UTC)
    if not await InvitationRepository(session).save_draft(link.invitation_id, draft.model_dump(mode="json"), now):
        raise InvitationNotFound()
    return DraftPageSaved(saved_at=now, draft=draft)


async def submit_at_once(unit: DriverUnit, caller: Caller, body: PlainResponse, settings: Settings) -> Submitted | None:
    """Store the response in the statement that looks up the link (``response_service.submit_by_link``), the
    request's one statement on the driver's connection, for a link that opens the rater's questionnaire
    (``_stage``'s "feedback") and a body that answers it completely and rightly: one round trip. None when it
    stored nothing: ``submit``, the look-up of every other request in the request's session, then answers
    (404, 429, 409, 422, a response already stored) or stores.

    Two submissions of one invitation, even at the same instant, store one response: the database's unique
    constraint on the invitation refuses the second, which stores nothing here and is answered by
    ``submit``'s look-up. The link is looked up by its token's hash in the database, as every look-up is;
    no hash is compared here, so none needs comparing in constant time."""
    if not _is_token(caller.token):
        return None
    submitted_at = await response_service.submit_by_link(
        unit,
        tokens.token_hash(caller.token),
        body,
        failures=rate_limit.failures_query(rate_limit.client_hash(caller.address), settings),
        failure_limit=settings.token_failures_per_window,
    )
    return None if submitted_at is None else Submitted(submitted_at=submitted_at)


async def submit(session: AsyncSession, caller: Caller, body: ResponseIn, settings: Settings) -> Submitted:
    """Store the response once, or refuse it: the submit of a link ``submit_at_once`` did not store through.
    Two submissions of one invitation, even at the same instant, store one response: the database's unique
    constraint on the invitation refuses the second (the same 404)."""
    linked = await resolve_link(session, caller, settings)
    _require(linked, "feedback")
    link = linked.link
    return await _submit(session, link.invitation_id, link.rater_group, link.cycle_id, link.questionnaire_id, body)


async def _submit(
    session: AsyncSession,
    invitation_id: UUID,
    rater_group: str,
    cycle_id: UUID,
    questionnaire_id: UUID,
    body: ResponseIn,
) -> Submitted:
    try:
        response = await response_service.submit(
            session,
            cycle_id=cycle_id,
            questionnaire_id=questionnaire_id,
            rater_group=rater_group,
            invitation_id=invitation_id,
            body=body,
            publish=True,
        )
    except response_service.AlreadySubmitted:
        raise InvitationNotFound() from None
    return Submitted(submitted_at=response.submitted_at)


async def submit_draft(session: AsyncSession, caller: Caller, settings: Settings) -> Submitted:
    """Submit the draft as it is stored, once: the same checks as ``submit`` (a draft missing answers is
    refused with each problem, nothing stored), without the caller reading the draft and sending it back.
    The row is locked, so a page saved at the same moment is either in what is submitted or refused."""
    opened = await resolve_open(session, caller, settings, lock=True)
    _require(opened, "feedback")
    link = opened.link
    body = ResponseIn.model_validate(link.draft) if link.draft is not None else ResponseIn()
    return await _submit(session, link.invitation_id, link.rater_group, link.cycle_id, link.questionnaire_id, body)


async def decline(session: AsyncSession, caller: Caller, settings: Settings) -> None:
    linked = await resolve_link(session, caller, settings)
    _require(linked, "feedback")
    if not await InvitationRepository(session).decline(linked.link.invitation_id, datetime.now(UTC)):
        raise InvitationNotFound()


async def _locked_for_approval(session: AsyncSession, caller: Caller, settings: Settings) -> Opened:
    opened = await resolve(session, caller, settings)
    _require(opened, "approval")
    # Lock the cycle and look again: the participant or another click may have changed it meanwhile.
    await session.refresh(opened.cycle, with_for_update=True)
    if opened.cycle.status != CycleStatus.AWAITING_APPROVAL:
        raise NotAtThisStage("the nominations have already been decided")
    return opened


async def approve(session: AsyncSession, caller: Caller, settings: Settings) -> InvitationView:
    """The line manager approves: the cycle opens, every rater is invited, and the same link now opens
    the line manager's own questionnaire."""
    opened = await _locked_for_approval(session, caller, settings)
    await lifecycle.approve(session, opened.cycle, settings)
    return await _view(session, Opened(opened.invitation, opened.cycle, "feedback"))


async def reject(session: AsyncSession, caller: Caller, body: RejectIn, settings: Settings) -> None:
    opened = await _locked_for_approval(session, caller, settings)
    await lifecycle.reject(session, opened.cycle, body.note)
