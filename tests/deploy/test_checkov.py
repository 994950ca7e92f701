"""checkov's Kubernetes policies on each built overlay: no failed check, and every check the platform skips is
listed with its reason in deploy/k8s/README.md ("Policy checks").

checkov runs from its own locked environment (deploy/k8s/checkov), offline: no update check, no download from
its vendor's platform, no API key."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
CHECKOV_PROJECT = K8S / "checkov"
# Every variable that would make checkov call out: its update check, its vendor's platform (mapping, policy
# metadata, custom policies), the package scan.
OFFLINE = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
}
# checkov skips a check on a resource with an annotation whose key contains one of these (checkov.io/skip1, ...).
SKIP_ANNOTATIONS = ("checkov.io/skip", "bridgecrew.io/skip", "cortex.io/skip")


def uv() -> str:
    # `uv run` names itself in UV; `make` finds uv on the PATH.
    found = os.environ.get("UV") or shutil.which("uv")
    assert found, "uv is needed to run checkov from deploy/k8s/checkov"
    return found


def config_file(overlay: str) -> Path:
    return K8S / "overlays" / overlay / ".checkov.yaml"


@pytest.fixture(scope="session")
def checkov_reports(built, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """checkov's JSON report of each overlay; the overlays are scanned at the same time, since most of each run is
    checkov loading its policies."""
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "BC_API_KEY", "PRISMA_API_URL")}
    environment |= OFFLINE
    directory = tmp_path_factory.mktemp("checkov")
    runs = {}
    for overlay in built:
        rendered = directory / f"{overlay}.yaml"
        rendered.write_text(built[overlay].text)
        command = [
            uv(),
            "run",
            "--project",
            str(CHECKOV_PROJECT),
            "--frozen",
            "--quiet",
            "checkov",
            "--config-file",
            str(config_file(overlay)),
            "--file",
            str(rendered),
            "--output",
            "json",
            "--skip-download",
        ]
        runs[overlay] = subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    # Both runs are waited for before anything is asserted, so a failure leaves no checkov running.
    outputs = {overlay: run.communicate(timeout=300) for overlay, run in runs.items()}
    reports = {}
    for overlay, (stdout, stderr) in outputs.items():
        # 0: every check passed, 1: some failed; anything else is checkov itself failing.
        returncode = runs[overlay].returncode
        assert returncode in (0, 1), f"checkov on {overlay} exited {returncode}:\n{stderr}"
        report = json.loads(stdout)
        (reports[overlay],) = report if isinstance(report, list) else [report]
    return reports


def test_checkov_finds_no_failed_check_in_either_overlay(checkov_reports, overlay):
    report = checkov_reports[overlay]
    assert report["check_type"] == "kubernetes"
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0
    failed = sorted(f"{c['check_id']} {c['check_name']}: {c['resource']}" for c in report["results"]["failed_checks"])
    assert not failed, "\n".join(failed)


def configured_skips(overlay: str) -> set[tuple[str, str]]:
    """(check, where) of every check the overlay's .checkov.yaml skips: where is the overlay."""
    config = yaml.safe_load(config_file(overlay).read_text())
    return {(check, overlay) for check in config.get("skip-check") or []}


def annotated_skips(manifests) -> set[tuple[str, str]]:
    """(check, where) of every check a resource skips by a checkov.io/skip annotation: where is the overlay, the
    kind and the name."""
    return {
        (value.split("=", 1)[0], f"{manifests.name}, {resource['kind']} {resource['metadata']['name']}")
        for resource in manifests.resources
        for key, value in resource["metadata"].get("annotations", {}).items()
        if any(prefix in key for prefix in SKIP_ANNOTATIONS)
    }


def readme_skips() -> set[tuple[str, str]]:
    """(check, where) of each row of the table under "Policy checks" in deploy/k8s/README.md."""
    text = (K8S / "README.md").read_text()
    section = text.split("\n## Policy checks\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(CKV_[A-Z0-9_]+)`[^|]*\| ([^|]+?) \|", section, flags=re.MULTILINE)
    return {(check, where.replace("`", "")) for check, where in rows}


def test_every_skipped_check_is_in_the_readme_with_its_reason_and_nothing_else_is(built):
    skipped = set().union(*(configured_skips(o) | annotated_skips(built[o]) for o in built))
    assert readme_skips() == skipped


def test_checkov_skips_exactly_the_checks_the_resources_name(checkov_reports, built, overlay):
    # An annotation checkov did not honour (a mistyped key or check id) would leave the README promising a skip
    # that is not there, or hide that nothing is checked.
    reported = {
        (c["check_id"], f"{overlay}, {c['resource'].split('.')[0]} {c['resource'].split('.')[-1]}")
        for c in checkov_reports[overlay]["results"]["skipped_checks"]
    }
    assert reported == annotated_skips(built[overlay])
