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


def _error(line: int, column: str | None, msg: str, type_: str = "value_error") -> FieldError:
    loc: list[str | int] = ["line", line] if column is None else ["line", line, column]
    return FieldError(loc=loc, msg=msg, type=type_)


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
    try:
        text = body.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is not part of the header
    except UnicodeDecodeError as exc:
        return [], [_error(_line_of_offset(body, exc.start), None, "the file is not UTF-8 text", "encoding")]
    if "\x00" in text:
        return [], [_error(text[: text.index("\x00")].count("\n") + 1, None, "the file holds a NUL byte", "encoding")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[FieldError] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [_error(reader.line_num, None, f"unreadable CSV: {exc}", "csv")]
    if header is None or not any(h.strip() for h in header):
        return [], [_error(1, None, "the file is empty: the first line must name the columns", "csv")]
    names = [h.strip() for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    missing = sorted(REQUIRED - set(names))
    repeated = sorted({n for n in names if names.count(n) > 1})
    errors += [_error(1, n, f"unknown column {n!r}", "csv_header") for n in unknown]
    errors += [_error(1, n, f"missing column {n!r}", "csv_header") for n in missing]
    errors += [_error(1, n, f"column {n!r} appears more than once", "csv_header") for n in repeated]
    if errors:
        return [], errors

    rows: list[RegisterRow] = []
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(_error(start, None, f"unreadable CSV: {exc}", "csv"))
            break
        line = start
        if not any(c.strip() for c in cells):
            continue  # blank lines, as spreadsheets leave at the end, carry nothing
        if len(rows) + len(errors) >= max_rows:
            errors.append(_error(line, None, f"the file has more than {max_rows} rows: split it", "too_many_rows"))
            break
        if len(cells) != len(names):
            errors.append(
                _error(line, None, f"the row has {len(cells)} cells; the header names {len(names)}", "csv_row")
            )
            continue
        try:
            facilitator = FacilitatorIn.model_validate(_row_document(dict(zip(names, cells, strict=True))))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)]
                errors.append(_error(line, _column_for(loc), str(err.get("msg", "")), str(err.get("type", ""))))
            continue
        rows.append(RegisterRow(line, facilitator))
    if not rows and not errors:
        errors.append(_error(line, None, "the file has no facilitator rows", "csv"))
    return rows, errors


def _line_of_offset(body: bytes, offset: int) -> int:
    return body[:offset].count(b"\n") + 1


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
