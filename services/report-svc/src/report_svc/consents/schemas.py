from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    participant_id: str
    organisation: str
    granted_at: datetime
