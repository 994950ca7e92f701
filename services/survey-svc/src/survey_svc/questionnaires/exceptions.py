from __future__ import annotations

from hlm_kit.errors import NotFound


class QuestionnaireNotFound(NotFound):
    code = "questionnaire-not-found"
