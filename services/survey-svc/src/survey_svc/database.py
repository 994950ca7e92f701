"""The service's tables live in the ``survey`` schema; its outbox and inbox live beside them."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from hlm_kit.db import make_metadata
from hlm_kit.messaging.inbox import Inbox
from hlm_kit.messaging.outbox import Outbox

SCHEMA = "survey"


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
