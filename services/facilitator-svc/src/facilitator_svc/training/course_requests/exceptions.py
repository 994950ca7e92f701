from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class CourseRequestNotFound(NotFound):
    code = "course-request-not-found"


class CourseRequestAlreadyAnswered(Conflict):
    """The academy has already scheduled or declined this request."""

    code = "course-request-already-answered"
