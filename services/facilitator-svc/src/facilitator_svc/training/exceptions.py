from __future__ import annotations

from hlm_kit.errors import Conflict, NotFound


class CourseNotFound(NotFound):
    code = "course-not-found"


class EnrolmentNotFound(NotFound):
    code = "enrolment-not-found"


class AlreadyEnrolled(Conflict):
    """The person already has a place or a waiting-list entry on this course."""

    code = "already-enrolled"


class NotEligible(Conflict):
    """A rule of the academy keeps this person from the course; ``errors`` names each reason."""

    code = "not-eligible"


class CompletionRefused(Conflict):
    """The course cannot be recorded as completed yet; ``errors`` names each reason."""

    code = "completion-refused"


class InvalidEnrolmentTransition(Conflict):
    code = "invalid-enrolment-transition"


class InterestAlreadyExpressed(Conflict):
    code = "interest-already-expressed"
