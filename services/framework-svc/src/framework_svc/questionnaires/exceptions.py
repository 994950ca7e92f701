from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class QuestionnaireNotFound(NotFound):
    code = "questionnaire-not-found"


class FrameworkNotPublished(Conflict):
    """A questionnaire is published only on a published framework version, which can no longer change."""

    code = "framework-not-published"
