from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, not_, or_, select

from facilitator_svc.bookings.models import Booking, BookingStatus
from facilitator_svc.slots.models import Slot
from facilitator_svc.vocabulary import SessionKind
from hlm_kit.repository import RepositoryBase


def occupied(now: datetime | ColumnElement[datetime]) -> list[ColumnElement[bool]]:
    """Conditions under which a booking occupies its facilitator's time at ``now`` (a time, or a bound
    parameter for statements built once and run many times)."""
    # The statuses as SQL literals, not bound values: a list of bound values is expanded into the SQL
    # again on every execution, and matching runs these conditions in every statement.
    return [
        or_(
            Booking.status.in_(
                [literal_column(f"'{s.value}'") for s in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)]
            ),
            and_(Booking.status == literal_column(f"'{BookingStatus.HELD.value}'"), Booking.hold_expires_at > now),
        )
    ]


def slot_is_free(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """No occupying booking lies on the slot's time at ``now``: read from the slot's own row
    (``Slot.busy_until``), however many bookings the facilitator has had."""
    return Slot.busy_until <= now


class SlotRepository(RepositoryBase[Slot]):
    model = Slot

    async def list_for(
        self,
        facilitator_id: UUID,
        now: datetime,
        *,
        starts_from: datetime | None,
        starts_before: datetime | None,
        kind: SessionKind | None = None,
    ) -> Sequence[tuple[Slot, bool]]:
        statement = (
            select(Slot, not_(slot_is_free(now)).label("is_booked"))
            .where(Slot.facilitator_id == facilitator_id)
            .order_by(Slot.starts_at)
        )
        if starts_from is not None:
            statement = statement.where(Slot.starts_at >= starts_from)
        if starts_before is not None:
            statement = statement.where(Slot.starts_at < starts_before)
        if kind is not None:
            statement = statement.where(Slot.kind == kind.value)
        result = await self.session.execute(statement)
        return [(row[0], bool(row[1])) for row in result.all()]

    async def overlapping(self, facilitator_id: UUID, ranges: Sequence[tuple[datetime, datetime]]) -> Sequence[Slot]:
        """The facilitator's slots that overlap any of ``ranges``."""
        if not ranges:
            return []
        conditions = [Slot.during.op("&&")(func.tstzrange(start, end, "[)")) for start, end in ranges]
        statement = select(Slot).where(Slot.facilitator_id == facilitator_id, or_(*conditions))
        return await self.get_all(statement)

    async def is_booked(self, slot: Slot, now: datetime) -> bool:
        statement = select(
            exists().where(
                Booking.facilitator_id == slot.facilitator_id,
                Booking.during.op("&&")(func.tstzrange(slot.starts_at, slot.ends_at, "[)")),
                *occupied(now),
            )
        )
        return bool((await self.session.execute(statement)).scalar())
