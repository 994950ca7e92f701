"""The allocation worker: claims queued jobs (one replica per job), solves them off the event loop,
reports progress while it works, and writes the proposal for the administrator to review.

A job whose worker stops reporting (its replica died) is taken over by another worker after
``allocation_stale_after_s``; after three attempts it is marked failed instead of being retried forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator_svc.allocations import solver
from facilitator_svc.allocations.models import Allocation, AllocationParticipant, AllocationStatus
from facilitator_svc.allocations.repository import AllocationRepository
from facilitator_svc.config import Settings
from facilitator_svc.matching import rules
from facilitator_svc.matching.repository import CandidateFilter, load_candidates
from facilitator_svc.participants.models import ParticipantCycle, RaterConflict
from facilitator_svc.vocabulary import Mode

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 3
HEARTBEAT_INTERVAL_S = 1.0


class AllocationWorker:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A job was queued by this process: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                ran = await self.run_once()
            except Exception:
                log.exception("allocation worker failed to claim a job")
                ran = False
            if ran:
                continue
            self._wake.clear()
            # asyncio.timeout rather than wait_for: on Python 3.11 wait_for can lose a cancellation that
            # arrives as its timeout fires, and the service could then not stop this loop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.allocation_poll_interval_s):
                    await self._wake.wait()

    async def run_once(self) -> bool:
        """Claim and run one job; False when there was none."""
        async with self._sessionmaker() as session, session.begin():
            id = await AllocationRepository(session).claim_next(
                datetime.now(UTC), self._settings.allocation_stale_after_s
            )
            attempts = (
                (await session.execute(select(Allocation.attempts).where(Allocation.id == id))).scalar_one()
                if id
                else 0
            )
        if id is None:
            return False
        if attempts > MAX_ATTEMPTS:
            await self._fail(id, f"gave up after {MAX_ATTEMPTS} attempts: the worker stopped each time")
            return True
        try:
            await self._execute(id)
        except Exception as exc:
            log.exception("allocation failed", allocation_id=str(id))
            await self._fail(id, f"{type(exc).__name__}: {exc}"[:1000])
        return True

    async def _execute(self, id: UUID) -> None:
        settings = self._settings
        tz = ZoneInfo(settings.timezone)
        now = datetime.now(UTC)
        async with self._sessionmaker() as session:
            allocation = await AllocationRepository(session).get_whole(id)
            if allocation is None:
                return  # deleted since it was claimed: nothing is left to allocate
            members = await cohort_members(session, allocation, now)
            window_start = max(allocation.window_starts_at, now)
            candidates = await load_candidates(
                session,
                CandidateFilter(region=allocation.region, earliest_date=window_start.astimezone(tz).date()),
                window_starts_at=window_start,
                window_ends_at=allocation.window_ends_at,
                now=now,
                timezone=settings.timezone,
            )

        progress = _Progress()
        heartbeat = asyncio.create_task(self._report(id, progress))
        started = time.perf_counter()
        try:
            known = [m for m in members if m is not None]

            def work() -> solver.Allocation:
                network = solver.build(
                    known, candidates, tz=tz, reference_km=settings.match_reference_distance_km, progress=progress
                )
                return solver.solve(network, progress=progress)

            result = await asyncio.to_thread(work)
        finally:
            heartbeat.cancel()
            # wait, not await: the heartbeat's own cancellation is not raised here, and a cancellation of
            # this task still is.
            await asyncio.wait([heartbeat])
        elapsed = time.perf_counter() - started

        async with self._sessionmaker() as session, session.begin():
            allocation = await AllocationRepository(session).get_whole(id, for_update=True)
            if allocation is None or allocation.status != AllocationStatus.RUNNING:
                return  # deleted or discarded meanwhile, or taken over by another worker: its result stands
            for row, member in zip(allocation.participants, members, strict=True):
                _record(row, member, result)
            allocation.status = AllocationStatus.PROPOSED
            allocation.progress, allocation.stage = 1.0, "proposed"
            allocation.assigned_count, allocation.objective_cost = result.assigned_count, result.objective
            allocation.solve_seconds = round(elapsed, 3)
            allocation.finished_at = datetime.now(UTC)

    async def _report(self, id: UUID, progress: _Progress) -> None:
        while True:
            async with self._sessionmaker() as session, session.begin():
                await session.execute(
                    update(Allocation)
                    .where(Allocation.id == id, Allocation.status == AllocationStatus.RUNNING)
                    .values(progress=progress.fraction, stage=progress.stage, heartbeat_at=datetime.now(UTC))
                )
            await asyncio.sleep(HEARTBEAT_INTERVAL_S)

    async def _fail(self, id: UUID, error: str) -> None:
        async with self._sessionmaker() as session, session.begin():
            await session.execute(
                update(Allocation)
                .where(Allocation.id == id)
                .values(status=AllocationStatus.FAILED, error=error, stage="failed", finished_at=datetime.now(UTC))
            )


class _Progress:
    """Written by the solving thread, read by the heartbeat: single attribute stores, no lock needed."""

    def __init__(self) -> None:
        self.fraction, self.stage = 0.1, "building"

    def __call__(self, fraction: float, stage: str) -> None:
        self.fraction, self.stage = round(min(1.0, max(0.0, fraction)), 3), stage


async def cohort_members(
    session: AsyncSession, allocation: Allocation, now: datetime
) -> list[solver.CohortMember | None]:
    """Each row as the solver sees it; None where the organisation is unknown (noted on the row)."""
    ids = [p.participant_id for p in allocation.participants]
    cycles: dict[str, ParticipantCycle] = {}
    for cycle in (
        await session.execute(
            select(ParticipantCycle)
            .where(ParticipantCycle.participant_id.in_(ids))
            .order_by(ParticipantCycle.opened_at)
        )
    ).scalars():
        cycles[cycle.participant_id] = cycle
    hashes: dict[str, set[str]] = {}
    for participant_id, email_hash in await session.execute(
        select(RaterConflict.participant_id, RaterConflict.email_hash).where(RaterConflict.participant_id.in_(ids))
    ):
        hashes.setdefault(participant_id, set()).add(email_hash)
    window_start = max(allocation.window_starts_at, now)
    members: list[solver.CohortMember | None] = []
    for row in allocation.participants:
        known = cycles.get(row.participant_id)
        organisation = row.organisation or (known.organisation if known else None)
        region = known.region if known else allocation.region
        row.region = region
        if organisation is None:
            members.append(None)
            continue
        row.organisation = organisation
        p = row.preferences
        location = p.get("location") or {}
        members.append(
            solver.CohortMember(
                rules.Participant(
                    row.participant_id, organisation, region, frozenset(hashes.get(row.participant_id, ()))
                ),
                rules.Preferences(
                    window_starts_at=window_start,
                    window_ends_at=allocation.window_ends_at,
                    mode=Mode(p["mode"]) if p.get("mode") else None,
                    languages=tuple(p.get("languages") or ()),
                    specialisms=tuple(p.get("specialisms") or ()),
                    latitude=location.get("latitude"),
                    longitude=location.get("longitude"),
                    max_distance_km=p.get("max_distance_km"),
                ),
            )
        )
    return members


def _record(row: AllocationParticipant, member: solver.CohortMember | None, result: solver.Allocation) -> None:
    row.facilitator_id = row.slot_id = row.mode = row.starts_at = row.ends_at = row.cost = None
    row.unassigned_reason = None
    if member is None:
        row.unassigned_reason = (
            "the participant's organisation is unknown (not in the request, no assessment cycle recorded it), "
            "so conflicts of interest cannot be checked"
        )
        row.reasons = []
        return
    row.organisation, row.region = member.participant.organisation, member.participant.region
    assignment = result.assignments.get(row.participant_id)
    if assignment is not None:
        row.facilitator_id, row.slot_id, row.mode = assignment.facilitator_id, assignment.slot.id, assignment.mode.value
        row.starts_at, row.ends_at, row.cost = assignment.slot.starts_at, assignment.slot.ends_at, assignment.cost
        row.reasons = [
            {
                "factor": f.key,
                "weight": f.weight,
                "value": round(f.value, 4),
                "contribution": round(f.contribution, 4),
                "detail": f.detail,
            }
            for f in sorted(assignment.factors, key=lambda f: -f.contribution)
        ]
        return
    unassigned = result.unassigned[row.participant_id]
    row.unassigned_reason = unassigned.reason
    row.reasons = [{"rule": rule, "facilitators": n} for rule, n in sorted(unassigned.excluded_by.items())]
