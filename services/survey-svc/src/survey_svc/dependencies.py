"""Request dependencies shared by the routers: the settings (who may call: ``hlm_kit.auth``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from survey_svc.config import Settings


async def get_settings(request: Request) -> Settings:
    # async: FastAPI runs a plain function dependency in a worker thread, a hop on every request.
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]
