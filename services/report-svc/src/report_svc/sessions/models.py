from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class Booking(Base):
    """A feedback session as facilitator-svc announced it: the latest booking per ``booking_id``.

    A cancellation or completion can arrive before the booking it ends; the row is then created by it and
    the booking's details filled in later, without undoing the cancellation.
    """

    __tablename__ = "booking"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The facilitator's register entry, and the account they sign in with (the `sub` a facilitator's
    # token is matched against); the account is null while the entry is not linked to one.
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    facilitator_subject: Mapped[str | None] = mapped_column(Text, index=True)
    participant_id: Mapped[str | None] = mapped_column(Text, index=True)
    cycle_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the booking event that set the details above was published: a reschedule that arrives
    # before an older booking event must not be overwritten by it.
    booked_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
