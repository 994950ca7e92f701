"""The survey-svc application."""

from __future__ import annotations

from fastapi import FastAPI

from hlm_kit.app import create_service_app
from survey_svc import __version__
from survey_svc.config import Settings
from survey_svc.consumers import consumers
from survey_svc.cycles.router import router as cycles_router
from survey_svc.database import inbox, outbox
from survey_svc.goals.router import router as goals_router
from survey_svc.invitations.router import router as invitations_router
from survey_svc.observations.router import router as observations_router
from survey_svc.participants.router import router as participants_router
from survey_svc.questionnaires.router import router as questionnaires_router
from survey_svc.teams.router import router as team_router
from survey_svc.workers import workers


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        name="survey-svc",
        version=__version__,
        description=(
            "Self-assessments and 360 feedback cycles with confidential rater responses, and the HLM app's "
            "observation journal."
        ),
        settings=settings,
        routers=[
            cycles_router,
            team_router,
            invitations_router,
            questionnaires_router,
            observations_router,
            goals_router,
            participants_router,
        ],
        # A rater's link and submit, thousands at once on a deadline evening, before the cycles' sixteen routes.
        tried_first=[invitations_router],
        outbox=outbox,
        inbox=inbox,
        consumers=consumers,
        workers=workers,
    )
