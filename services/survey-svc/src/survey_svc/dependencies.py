"""Request dependencies shared by the routers: the settings, and who may call."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hlm_kit.auth import Principal, Role, require_role
from survey_svc.config import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
Participant = Annotated[Principal, Depends(require_role(Role.PARTICIPANT))]
ParticipantOrAdmin = Annotated[Principal, Depends(require_role(Role.PARTICIPANT, Role.ACADEMY_ADMIN))]
Admin = Annotated[Principal, Depends(require_role(Role.ACADEMY_ADMIN))]
