"""The catalogue as the app reads it: frameworks, their dimensions, elements and stages, questionnaires."""

from __future__ import annotations

from collections import OrderedDict

import strawberry
from strawberry.types import Info

from hlm_gateway.context import Context
from hlm_gateway.upstream import survey
from hlm_gateway.upstream.framework import FrameworkTree, QuestionnaireOut


@strawberry.type
class RatingLevel:
    value: int
    key: str
    name: str
    description: str


@strawberry.type
class Stage:
    number: int
    name: str
    description: str


@strawberry.type
class Indicator:
    stage: int
    text: str


@strawberry.type
class Element:
    key: str
    name: str
    descriptors: list[str]
    indicators: list[Indicator]


@strawberry.type
class Dimension:
    """A dimension (HLM) or domain (LF2011), in the framework's order."""

    key: str
    position: int
    name: str
    summary: str
    why_it_matters: str | None
    what_it_is_not: str | None
    audience: str
    reflective_questions: list[str]
    not_yet_behaviours: list[str]
    elements: list[Element]


@strawberry.type
class Framework:
    key: str
    version: int
    status: str
    name: str
    summary: str
    dimension_label: str
    rating_levels: list[RatingLevel]
    stages: list[Stage]
    dimensions: list[Dimension]

    @strawberry.field(description="Questionnaires built on this framework.")
    async def questionnaires(self, info: Info[Context, None]) -> list[Questionnaire] | None:
        items = await info.context.loaders.questionnaires_by_framework.load(self.key)
        return [questionnaire_from(q) for q in items if q.framework_version == self.version]


@strawberry.type
class FrameworkSummary:
    key: str
    name: str
    dimension_label: str
    latest_version: int

    @strawberry.field(description="The latest published version, whole.")
    async def latest(self, info: Info[Context, None]) -> Framework | None:
        return framework_from(await info.context.loaders.framework.load((self.key, None)))


@strawberry.type
class ScalePoint:
    value: int
    label: str


@strawberry.type
class QuestionnaireItem:
    key: str
    dimension_key: str
    text: str
    position: int


@strawberry.type
class ImportanceQuestion:
    dimension_key: str
    text: str


@strawberry.type
class QuestionnaireDimension:
    key: str
    name: str
    position: int


@strawberry.type
class Questionnaire:
    id: strawberry.ID
    key: str
    version: int
    status: str
    name: str
    purpose: str
    instructions: str
    framework_key: str
    framework_version: int
    dimensions: list[QuestionnaireDimension]
    items: list[QuestionnaireItem]
    performance_scale: list[ScalePoint]
    not_observed_label: str | None
    importance_scale: list[ScalePoint]
    importance_questions: list[ImportanceQuestion]

    @strawberry.field(description="The framework version this questionnaire is built on.")
    async def framework(self, info: Info[Context, None]) -> Framework | None:
        return framework_from(await info.context.loaders.framework.load((self.framework_key, self.framework_version)))


# The schema's framework made from each of the last few trees read: framework-svc's answer is read once per
# distinct body and the same model handed out again (``Upstream.get(..., shared=True)``), so the same
# Framework serves every query that reads it, rather than its some 300 objects made again per request (the
# home screen reads it on every visit). Nothing changes a Framework once made.
_FRAMEWORKS: OrderedDict[int, tuple[FrameworkTree, Framework]] = OrderedDict()
_FRAMEWORKS_KEPT = 32


def framework_from(data: FrameworkTree) -> Framework:
    """The schema's framework of ``data``: made once for the same tree read again."""
    known = _FRAMEWORKS.get(id(data))
    if known is not None and known[0] is data:
        _FRAMEWORKS.move_to_end(id(data))
        return known[1]
    made = _framework_from(data)
    _FRAMEWORKS[id(data)] = (data, made)  # the tree is kept with it, so its id is not another's meanwhile
    if len(_FRAMEWORKS) > _FRAMEWORKS_KEPT:
        _FRAMEWORKS.popitem(last=False)
    return made


def _framework_from(data: FrameworkTree) -> Framework:
    return Framework(
        key=data.key,
        version=data.version,
        status=data.status.value,
        name=data.name,
        summary=data.summary,
        dimension_label=data.dimension_label.value,
        rating_levels=[
            RatingLevel(value=r.value, key=r.key, name=r.name, description=r.description)
            for r in data.rating_levels or []
        ],
        stages=[Stage(number=s.number, name=s.name, description=s.description) for s in data.stages or []],
        dimensions=[
            Dimension(
                key=d.key,
                position=position,
                name=d.name,
                summary=d.summary,
                why_it_matters=d.why_it_matters,
                what_it_is_not=d.what_it_is_not,
                audience=d.audience.value,
                reflective_questions=d.reflective_questions or [],
                not_yet_behaviours=d.not_yet_behaviours or [],
                elements=[
                    Element(
                        key=e.key,
                        name=e.name,
                        descriptors=e.descriptors,
                        indicators=[Indicator(stage=i.stage, text=i.text) for i in e.indicators or []],
                    )
                    for e in d.elements or []
                ],
            )
            for position, d in enumerate(data.dimensions, 1)
        ],
    )


def questionnaire_from(data: QuestionnaireOut | survey.QuestionnaireOut) -> Questionnaire:
    """A questionnaire as framework-svc serves it, or as survey-svc keeps the one a cycle is pinned to: a
    published version, which never changes (survey-svc's copy carries no status of its own)."""
    return Questionnaire(
        id=strawberry.ID(str(data.id)),
        key=data.key,
        version=data.version,
        status=data.status.value if isinstance(data, QuestionnaireOut) else "published",
        name=data.name,
        purpose=data.purpose,
        instructions=data.instructions,
        framework_key=data.framework_key,
        framework_version=data.framework_version,
        dimensions=[QuestionnaireDimension(key=d.key, name=d.name, position=d.position) for d in data.dimensions],
        items=[
            QuestionnaireItem(key=i.key, dimension_key=i.dimension_key, text=i.text, position=i.position)
            for i in data.items
        ],
        performance_scale=[ScalePoint(value=p.value, label=p.label) for p in data.performance_scale],
        not_observed_label=data.not_observed_label,
        importance_scale=[ScalePoint(value=p.value, label=p.label) for p in data.importance_scale],
        importance_questions=[
            ImportanceQuestion(dimension_key=q.dimension_key, text=q.text) for q in data.importance_questions
        ],
    )
