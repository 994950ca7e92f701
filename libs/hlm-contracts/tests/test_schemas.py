import json
from pathlib import Path

import pytest

from hlm_contracts import EVENT_TYPES, event_json_schemas
from hlm_contracts.schemas import SCHEMA_DIR, differences, expected_files, main, write

# The event catalogue of ARCHITECTURE.md, spelt exactly as there.
CATALOGUE = (
    "hlm.framework.questionnaire.published.v1",
    "hlm.survey.cycle.opened.v1",
    "hlm.survey.rater.nominated.v1",
    "hlm.survey.response.submitted.v1",
    "hlm.survey.cycle.closed.v1",
    "hlm.report.report.ready.v1",
    "hlm.report.report.released.v1",
    "hlm.facilitator.session.booked.v1",
    "hlm.facilitator.session.cancelled.v1",
    "hlm.facilitator.session.completed.v1",
    "hlm.survey.participant.erased.v1",
    "hlm.framework.resources.published.v1",
    "hlm.facilitator.accreditation.granted.v1",
    "hlm.facilitator.course_request.decided.v1",
    "hlm.facilitator.accreditation_reminder.recorded.v1",
)


def test_the_schema_files_in_the_tree_are_what_the_models_produce():
    assert Path(__file__).resolve().parents[1] / "schemas" == SCHEMA_DIR
    problems = differences(SCHEMA_DIR)
    assert problems == [], "schema files are out of date; run hlm-contracts-schemas:\n" + "\n".join(problems)
    for type_name, schema in event_json_schemas().items():
        stored = json.loads((SCHEMA_DIR / f"{type_name}.json").read_text(encoding="utf-8"))
        assert stored == schema


def test_every_catalogue_type_is_registered_and_nothing_else():
    assert set(EVENT_TYPES) == set(CATALOGUE)


@pytest.mark.parametrize("type_name", CATALOGUE)
def test_each_schema_names_its_type_and_model(type_name):
    schema = event_json_schemas()[type_name]
    assert schema["$id"] == type_name
    assert schema["title"] == EVENT_TYPES[type_name].__name__
    assert schema["type"] == "object"


@pytest.mark.parametrize("type_name", CATALOGUE)
def test_each_type_follows_the_naming_rule_and_names_its_producer(type_name):
    _, service, _entity, _verb, version = type_name.split(".")
    cls = EVENT_TYPES[type_name]
    assert cls.source == f"{service}-svc"
    assert cls.__name__.endswith(version.upper())


def test_check_reports_missing_stale_and_extra_files(tmp_path, capsys):
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert len(differences(tmp_path)) == len(CATALOGUE)
    assert all(line.startswith("missing: ") for line in differences(tmp_path))

    assert main(["--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0

    (tmp_path / "hlm.survey.cycle.opened.v1.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "hlm.survey.cycle.renamed.v1.json").write_text("{}\n", encoding="utf-8")
    assert sorted(line.split(":")[0] for line in differences(tmp_path)) == ["extra", "stale"]
    capsys.readouterr()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert "hlm.survey.cycle.renamed.v1.json" in capsys.readouterr().err

    write(tmp_path)
    assert differences(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected_files())


def test_files_are_sorted_indented_and_end_with_one_newline():
    for text in expected_files().values():
        assert text.endswith("}\n")
        assert not text.endswith("\n\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
