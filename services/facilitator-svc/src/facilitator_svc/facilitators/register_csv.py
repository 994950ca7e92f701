"""The register as CSV: what academies keep in spreadsheets, hundreds of rows at a time.

One row per facilitator, keyed by email. Lists (modes, languages, specialisms, conflicts) are written
in one cell, separated by ``;``. A file is read whole and every bad row reported with its line number
and column before anything is stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from facilitator_svc.csv_files import line_error, read_lines
from facilitator_svc.facilitators.schemas import FacilitatorIn
from hlm_kit.errors import FieldError

COLUMNS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "subject",
    "organisation",
    "region",
    "accreditation_level",
    "trained_on",
    "expires_on",
    "status",
    "capacity_per_month",
    "modes",
    "languages",
    "specialisms",
    "latitude",
    "longitude",
    "conflict_organisations",
    "conflict_participants",
)
REQUIRED: frozenset[str] = frozenset(
    {"name", "email", "organisation", "accreditation_level", "trained_on", "expires_on", "capacity_per_month", "modes"}
)
LIST_SEPARATOR = ";"

# Where a field of FacilitatorIn came from in the row, to report errors against the column a person edits.
_COLUMN_OF: dict[tuple[str | int, ...], str] = {
    ("accreditation", "level"): "accreditation_level",
    ("accreditation", "trained_on"): "trained_on",
    ("accreditation", "expires_on"): "expires_on",
    ("accreditation",): "expires_on",
    ("location", "latitude"): "latitude",
    ("location", "longitude"): "longitude",
    ("location",): "latitude",
    ("conflicts", "organisations"): "conflict_organisations",
    ("conflicts", "participants"): "conflict_participants",
}


@dataclass(frozen=True)
class RegisterRow:
    line: int
    facilitator: FacilitatorIn


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def _row_document(row: dict[str, str]) -> dict[str, Any]:
    """A row's cells as FacilitatorIn's input; empty cells mean "not given"."""
    cell = {k: (v or "").strip() for k, v in row.items()}
    document: dict[str, Any] = {
        "name": cell.get("name", ""),
        "email": cell.get("email", ""),
        "organisation": cell.get("organisation", ""),
        "accreditation": {
            "level": cell.get("accreditation_level", ""),
            "trained_on": cell.get("trained_on", ""),
            "expires_on": cell.get("expires_on", ""),
        },
        "capacity_per_month": cell.get("capacity_per_month", ""),
        "modes": _list(cell.get("modes", "")),
    }
    for optional in ("phone", "subject", "region", "status"):
        if cell.get(optional):
            document[optional] = cell[optional]
    for listed in ("languages", "specialisms"):
        if cell.get(listed):
            document[listed] = _list(cell[listed])
    if cell.get("latitude") or cell.get("longitude"):
        document["location"] = {"latitude": cell.get("latitude") or None, "longitude": cell.get("longitude") or None}
    document["conflicts"] = {
        "organisations": _list(cell.get("conflict_organisations", "")),
        "participants": _list(cell.get("conflict_participants", "")),
    }
    return document


def _column_for(loc: Sequence[str | int]) -> str | None:
    for length in range(len(loc), 0, -1):
        key = tuple(loc[:length])
        if key in _COLUMN_OF:
            return _COLUMN_OF[key]
    head = loc[0] if loc else None
    return head if isinstance(head, str) and head in COLUMNS else None


def parse(body: bytes, *, max_rows: int) -> tuple[list[RegisterRow], list[FieldError]]:
    """Every row of the file as a FacilitatorIn, and every problem found, each with its line."""
    lines, errors = read_lines(body, columns=COLUMNS, required=REQUIRED, max_rows=max_rows, rows_are="facilitator")
    rows: list[RegisterRow] = []
    for line in lines:
        try:
            facilitator = FacilitatorIn.model_validate(_row_document(line.cells))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)]
                errors.append(
                    line_error(line.number, _column_for(loc), str(err.get("msg", "")), str(err.get("type", "")))
                )
            continue
        rows.append(RegisterRow(line.number, facilitator))
    errors.sort(key=lambda e: e.loc[1] if isinstance(e.loc[1], int) else 0)
    return rows, errors


def render(facilitators: Iterable[dict[str, Any]]) -> str:
    """The register in the same columns :func:`parse` reads, so an export imports back unchanged."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in facilitators:
        writer.writerow(
            {k: LIST_SEPARATOR.join(v) if isinstance(v, list) else ("" if v is None else v) for k, v in row.items()}
        )
    return out.getvalue()
