"""What a report is built from: the questionnaire, the cycle's thresholds and the responses.

A response carries the group its rater answered in, never who the rater is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hlm_contracts.enums import RaterGroup

# The groups of raters other than the participant, in the order a report shows them.
NON_SELF_GROUPS: tuple[RaterGroup, ...] = (
    RaterGroup.LINE_MANAGER,
    RaterGroup.PEER,
    RaterGroup.DIRECT_REPORT,
    RaterGroup.OTHER,
)


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    dimension_key: str
    text: str
    position: int


@dataclass(frozen=True, slots=True)
class Questionnaire:
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]

    def items_of(self, dimension_key: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.dimension_key == dimension_key)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Least responses for a group to be shown on its own; ``others_total`` for a 360 report at all."""

    line_manager: int = 1
    peer: int = 3
    direct_report: int = 3
    other: int = 3
    others_total: int = 4

    def of(self, group: RaterGroup) -> int:
        value: int = getattr(self, group.value)
        return value


@dataclass(frozen=True, slots=True)
class Response:
    """One rater's submitted answers: ``answers`` maps item keys to a level 1-4, or None for "not observed"."""

    group: RaterGroup
    answers: Mapping[str, int | None] = field(default_factory=dict)
    importance: Mapping[str, int] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
