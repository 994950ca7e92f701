"""The base of every event's data, and the field types the events share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# A key of a framework, dimension or item, as framework-svc accepts it in a framework document.
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")]

# Free text that must say something: at least one character that is not white space. Text is carried
# as written (comments are shown verbatim), so nothing is stripped.
Text = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]

# A person's identifier is the `sub` claim of their token; OpenID Connect caps it at 255 characters.
Subject = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"\S")]

# An organisation code (an ODS code such as "RX1") or a region name.
OrganisationCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"\S")]
Region = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]

# A count of raters; never negative.
Count = Annotated[int, Field(ge=0)]


class EventData(BaseModel):
    """The data of one event type.

    Subclasses set `type` (the CloudEvents type and routing key) and `source`.
    """

    # Within a version a producer may add fields; a consumer that does not know them yet ignores them.
    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    # The producing service's name: "framework-svc", "survey-svc", "report-svc" or "facilitator-svc".
    source: ClassVar[str]


class EventPart(BaseModel):
    """A value nested in an event's data (an item, an answer, a scale point): frozen, tolerates additions."""

    model_config = ConfigDict(frozen=True, extra="ignore")


def duplicates(what: str, values: Iterable[object]) -> list[str]:
    """One problem per value that occurs more than once, in order of first repetition."""
    seen: set[object] = set()
    repeated: list[object] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return [f"duplicate {what} {value!r}" for value in repeated]
