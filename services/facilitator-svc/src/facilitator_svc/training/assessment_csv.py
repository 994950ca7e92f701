"""E-learning results as CSV, as an academy's learning system exports them: one result a row, with the
person's name and email address, the score in percent and the day of the assessment.

A file is read whole and every bad row reported with its line and column before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from facilitator_svc.csv_files import line_error, read_lines
from facilitator_svc.training.schemas import AssessmentIn
from hlm_kit.errors import FieldError

COLUMNS: tuple[str, ...] = ("name", "email", "score", "assessed_on")
REQUIRED: frozenset[str] = frozenset(COLUMNS)


@dataclass(frozen=True)
class AssessmentRow:
    line: int
    result: AssessmentIn


def parse(body: bytes, *, max_rows: int) -> tuple[list[AssessmentRow], list[FieldError]]:
    """Every row of the file as an AssessmentIn, and every problem found, each with its line."""
    lines, errors = read_lines(body, columns=COLUMNS, required=REQUIRED, max_rows=max_rows, rows_are="result")
    rows: list[AssessmentRow] = []
    for line in lines:
        cell = {k: v.strip() for k, v in line.cells.items()}
        # Learning systems write a score as 85 or as 85%.
        document = cell | {"score": cell["score"].removesuffix("%").strip()}
        try:
            result = AssessmentIn.model_validate(document)
        except ValidationError as exc:
            for err in exc.errors():
                head = err["loc"][0] if err.get("loc") else None
                column = head if isinstance(head, str) and head in COLUMNS else None
                errors.append(line_error(line.number, column, str(err.get("msg", "")), str(err.get("type", ""))))
            continue
        rows.append(AssessmentRow(line.number, result))
    errors.sort(key=lambda e: e.loc[1] if isinstance(e.loc[1], int) else 0)
    return rows, errors
