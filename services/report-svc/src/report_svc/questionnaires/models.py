from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from report_svc.database import Base


class Questionnaire(Base):
    """A published questionnaire as framework-svc announced it; published versions never change."""

    __tablename__ = "questionnaire"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    framework_key: Mapped[str] = mapped_column(Text)
    framework_version: Mapped[int]
    # The event's data whole: dimensions, items, scales and importance questions.
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
