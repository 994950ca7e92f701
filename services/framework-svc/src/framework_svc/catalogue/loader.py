"""``load-catalogue``: import and publish the catalogue's YAML documents, idempotently.

Frameworks load before questionnaires and development resources (both name a framework's dimensions).
A version that is already published with the same content is left alone; one published with different
content is an error, because a published version never changes: the file must carry a new version number.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from framework_svc.document_format import parse_document
from framework_svc.documents_endpoint import validate_document
from framework_svc.frameworks import service as framework_service
from framework_svc.frameworks.documents import FrameworkDocument
from framework_svc.frameworks.exceptions import VersionNotChangeable
from framework_svc.frameworks.repository import FrameworkVersionRepository
from framework_svc.questionnaires import service as questionnaire_service
from framework_svc.questionnaires.documents import QuestionnaireDocument
from framework_svc.questionnaires.repository import QuestionnaireRepository
from framework_svc.resources import service as resource_service
from framework_svc.resources.documents import ResourcesDocument
from framework_svc.resources.schemas import ResourceRef
from framework_svc.versioning import VersionStatus, version_id
from hlm_kit.db import create_engine, create_sessionmaker

DATA_DIRECTORY = Path(__file__).parent / "data"


class CatalogueConflict(Exception):
    """A file changes a version that is already published."""


async def load_catalogue(database_url: str, directory: Path | None = None) -> list[str]:
    """Load every document in ``directory``; return one line per document saying what happened."""
    documents = [_read(path) for path in sorted((directory or DATA_DIRECTORY).glob("*.yaml"))]
    frameworks = [d for d in documents if isinstance(d, FrameworkDocument)]
    questionnaires = [d for d in documents if isinstance(d, QuestionnaireDocument)]
    resources = [d for d in documents if isinstance(d, ResourcesDocument)]
    engine = create_engine(database_url, pool_size=2)
    sessionmaker = create_sessionmaker(engine)
    report: list[str] = []
    try:
        # One transaction per document: a document is imported and published together or not at all, and
        # the documents loaded before a refused one stay loaded.
        for framework in frameworks:
            async with sessionmaker.begin() as session:
                report.append(await load_framework(session, framework))
        for questionnaire in questionnaires:
            async with sessionmaker.begin() as session:
                report.append(await load_questionnaire(session, questionnaire))
        for document in resources:
            async with sessionmaker.begin() as session:
                report.append(await load_resources(session, document))
    finally:
        await engine.dispose()
    return report


Document = FrameworkDocument | QuestionnaireDocument | ResourcesDocument
_MODELS: dict[object, type[Document]] = {"questionnaire": QuestionnaireDocument, "resources": ResourcesDocument}


def _read(path: Path) -> Document:
    raw = parse_document(path.read_bytes(), "yaml")
    kind = raw.get("kind") if isinstance(raw, dict) else None
    return validate_document(raw, _MODELS.get(kind, FrameworkDocument))


async def load_framework(session: AsyncSession, document: FrameworkDocument) -> str:
    label = f"framework {document.key} v{document.version}"
    existing = await FrameworkVersionRepository(session).get(
        document.key, document.version, visible=tuple(VersionStatus)
    )
    status = existing.status if existing else None
    if status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        if await framework_service.get_document(session, document.key, document.version) != document:
            raise CatalogueConflict(f"{label} is {status.value} with different content; give the file a new version")
        return f"{label}: already {status.value}"
    await framework_service.import_document(session, document)
    await framework_service.publish(session, document.key, document.version)
    return f"{label}: published"


async def load_questionnaire(session: AsyncSession, document: QuestionnaireDocument) -> str:
    label = f"questionnaire {document.key} v{document.version}"
    id = version_id("questionnaire", document.key, document.version)
    existing = await QuestionnaireRepository(session).get_by_id(id)
    status = existing.status if existing else None
    if status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        if await questionnaire_service.get_document(session, id) != document:
            raise CatalogueConflict(f"{label} is {status.value} with different content; give the file a new version")
        return f"{label}: already {status.value}"
    await questionnaire_service.import_document(session, document)
    await questionnaire_service.publish(session, id)
    return f"{label}: published ({id})"


async def load_resources(session: AsyncSession, document: ResourcesDocument) -> str:
    """Import the resources as drafts and publish them, all in one event; those already published
    with the same content are left alone."""
    # Checked again now that the frameworks are loaded: the dimensions named must be published ones.
    document = await resource_service.validate(session, document.model_dump(mode="json"))
    try:
        imported = await resource_service.import_document(session, document)
    except VersionNotChangeable as exc:
        raise CatalogueConflict(f"resources: {exc.detail}; give it a new version in the file") from exc
    drafts = [ResourceRef(key=i.key, version=i.version) for i in imported.items if i.status == VersionStatus.DRAFT]
    if drafts:
        await resource_service.publish(session, drafts)
    kept = {i.status for i in imported.items if i.status != VersionStatus.DRAFT}
    parts = [f"{len(drafts)} published"] if drafts else []
    parts += [f"{sum(i.status == s for i in imported.items)} already {s.value}" for s in sorted(kept)]
    return f"resources: {', '.join(parts)}"
