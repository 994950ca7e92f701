"""The catalogue loader: publishes the shipped documents once, and never changes a published version.

The loader commits through its own engine, so these tests only run it where it writes nothing: against
the session's catalogue, already loaded, or with a document it must refuse before writing.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from framework_svc.catalogue.loader import DATA_DIRECTORY, CatalogueConflict, load_catalogue
from framework_svc.versioning import version_id
from hlm_kit.errors import BadRequest, UnprocessableContent

State = Callable[[], Awaitable[dict[str, list[tuple[Any, ...]]]]]
SHIPPED = ["hlm.yaml", "hlm-360.yaml", "hlm-self.yaml", "lf2011.yaml", "resources.yaml"]
SHIPPED_RESOURCES = len(yaml.safe_load((DATA_DIRECTORY / "resources.yaml").read_text())["resources"])


def test_the_first_load_published_every_shipped_document(catalogue: list[str]) -> None:
    assert catalogue == [
        "framework hlm v1: published",
        "framework lf2011 v1: published",
        f"questionnaire hlm-360 v1: published ({version_id('questionnaire', 'hlm-360', 1)})",
        f"questionnaire hlm-self v1: published ({version_id('questionnaire', 'hlm-self', 1)})",
        f"resources: {SHIPPED_RESOURCES} published",
    ]


async def test_loading_again_reports_already_published_and_changes_nothing(
    database_url: str, stored_state: State
) -> None:
    before = await stored_state()

    report = await load_catalogue(database_url)

    assert report == [
        "framework hlm v1: already published",
        "framework lf2011 v1: already published",
        "questionnaire hlm-360 v1: already published",
        "questionnaire hlm-self v1: already published",
        f"resources: {SHIPPED_RESOURCES} already published",
    ]
    assert await stored_state() == before


def _copy_with_change(tmp_path: Path, changed_file: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """The shipped catalogue in ``tmp_path``, ``changed_file`` edited but keeping its version number."""
    for name in SHIPPED:
        shutil.copy(DATA_DIRECTORY / name, tmp_path / name)
    document = yaml.safe_load((tmp_path / changed_file).read_text())
    change(document)
    (tmp_path / changed_file).write_text(yaml.safe_dump(document, sort_keys=False))
    return tmp_path


def _reword_a_dimension(document: dict[str, Any]) -> None:
    document["dimensions"][0]["summary"] = "A summary rewritten after publication."


def _reword_an_item(document: dict[str, Any]) -> None:
    document["items"][0]["text"] = "An item rewritten after publication."


def _reword_a_resource(document: dict[str, Any]) -> None:
    document["resources"][0]["description"] = "A description rewritten after publication."


@pytest.mark.parametrize(
    ("changed_file", "change"),
    [
        ("hlm.yaml", _reword_a_dimension),
        ("lf2011.yaml", _reword_a_dimension),
        ("hlm-360.yaml", _reword_an_item),
        ("hlm-self.yaml", _reword_an_item),
        ("resources.yaml", _reword_a_resource),
    ],
)
async def test_a_changed_copy_of_a_published_version_raises_catalogue_conflict(
    database_url: str,
    stored_state: State,
    tmp_path: Path,
    changed_file: str,
    change: Callable[[dict[str, Any]], None],
) -> None:
    directory = _copy_with_change(tmp_path, changed_file, change)
    changed = yaml.safe_load((directory / changed_file).read_text())
    key = changed["resources"][0]["key"] if changed["kind"] == "resources" else changed["key"]
    before = await stored_state()

    with pytest.raises(CatalogueConflict, match=rf"{key} v1 is published with different content"):
        await load_catalogue(database_url, directory)

    assert await stored_state() == before


async def test_an_invalid_catalogue_document_is_refused_before_anything_is_loaded(
    database_url: str, stored_state: State, tmp_path: Path
) -> None:
    document = yaml.safe_load((DATA_DIRECTORY / "hlm.yaml").read_text())
    document.update(key="loader-probe", version=1)
    document["dimensions"][1]["key"] = document["dimensions"][0]["key"]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    before = await stored_state()

    with pytest.raises(UnprocessableContent) as refused:
        await load_catalogue(database_url, tmp_path)

    assert [(e.loc, e.type) for e in refused.value.errors or []] == [
        (["body", "dimensions", 1, "key"], "duplicate_key")
    ]
    assert await stored_state() == before


async def test_a_catalogue_file_with_a_key_written_twice_is_refused(
    database_url: str, stored_state: State, tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text("kind: framework\nkey: loader-probe\nkey: loader-probe-2\n")
    before = await stored_state()

    with pytest.raises(BadRequest, match="duplicate key 'key'"):
        await load_catalogue(database_url, tmp_path)

    assert await stored_state() == before
