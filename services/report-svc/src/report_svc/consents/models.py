from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class Consent(Base):
    """A participant's consent to let their organisation (a partner trust) read their individual reports."""

    __tablename__ = "consent"
    # A partner's pull joins its reports to its own organisation's consents.
    __table_args__ = (Index(None, "organisation", "participant_id"),)

    participant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    organisation: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
