"""Failed token look-ups per client address, to slow down anyone guessing rater tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from survey_svc.database import Base


class TokenFailure(Base):
    """Counted in Postgres, not in the process, so every replica sees the same count: a guesser cannot
    multiply their attempts by spreading them over replicas. The address is kept only as a hash."""

    __tablename__ = "token_failure"

    client_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
