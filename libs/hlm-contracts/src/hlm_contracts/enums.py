"""Vocabularies shared by every service: who rated, on what scale, in which kind of cycle."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Literal


class RaterGroup(StrEnum):
    """The group a rater answers in. The participant's own ratings are the group `self`."""

    SELF = "self"
    LINE_MANAGER = "line_manager"
    PEER = "peer"
    DIRECT_REPORT = "direct_report"
    OTHER = "other"


class RatingLevel(IntEnum):
    """The four levels of performance on a dimension or item, lowest first; not tied to job grade."""

    ESSENTIAL = 1
    PROFICIENT = 2
    STRONG = 3
    EXEMPLARY = 4

    @property
    def label(self) -> str:
        """The level's name as shown to people: "Essential", "Proficient", "Strong", "Exemplary"."""
        return self.name.capitalize()


class CycleKind(StrEnum):
    """What an assessment cycle collects."""

    SELF_ASSESSMENT = "self_assessment"
    FEEDBACK_360 = "feedback_360"
    TEAM_360 = "team_360"


class QuestionnairePurpose(StrEnum):
    """The kind of cycle a questionnaire is written for."""

    SELF_ASSESSMENT = "self_assessment"
    FEEDBACK_360 = "feedback_360"


class ReleaseMode(StrEnum):
    """How a 360 report reaches its participant.

    `coached`: the booked facilitator receives it first and releases it at the feedback session.
    `direct`: it goes to the participant as soon as it is ready. Self-assessment reports are always
    released at once, whatever the cycle says.
    """

    COACHED = "coached"
    DIRECT = "direct"


class ResourceKind(StrEnum):
    """What a development resource is: something to read, a learning activity, or support from a person."""

    READING = "reading"
    E_LEARNING = "e_learning"
    COURSE = "course"
    PROGRAMME = "programme"
    COACHING = "coaching"
    MENTORING = "mentoring"
    TOOL = "tool"


class ResourceFormat(StrEnum):
    """How a development resource is taken up."""

    DOCUMENT = "document"
    WEB_PAGE = "web_page"
    VIDEO = "video"
    PODCAST = "podcast"
    ONLINE_INTERACTIVE = "online_interactive"
    VIRTUAL_LIVE = "virtual_live"
    IN_PERSON = "in_person"
    BLENDED = "blended"


class ResourceAudience(StrEnum):
    """Who a development resource is written for. `all_staff` includes every other audience."""

    ALL_STAFF = "all_staff"
    CLINICIANS = "clinicians"
    MANAGERS = "managers"
    SENIOR_LEADERS = "senior_leaders"


# The groups a participant can nominate raters into: everyone but themself.
NominatedRaterGroup = Literal[RaterGroup.LINE_MANAGER, RaterGroup.PEER, RaterGroup.DIRECT_REPORT, RaterGroup.OTHER]


class AccreditationLevel(StrEnum):
    """What a facilitator is accredited to do: facilitate feedback sessions, or also train facilitators."""

    FACILITATOR = "facilitator"
    TRAINER = "trainer"


class SessionKind(StrEnum):
    """What a session with a facilitator is: a 360 feedback session (about a cycle's report), or coaching or
    mentoring (the participant's own, about no cycle)."""

    FEEDBACK = "feedback"
    COACHING = "coaching"
    MENTORING = "mentoring"
