"""CSV files an academy sends from its spreadsheets and systems (the register, e-learning results): read
whole, with every problem reported by its line (and column) before anything is stored.

Each import names its columns and how a row becomes its schema; the file's encoding, header, lines and
limits are read here, once, the same way for all of them."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from fastapi import Request

from hlm_kit.errors import FieldError, ProblemError

CSV_MEDIA_TYPE = "text/csv"


class UnsupportedMediaType(ProblemError):
    """A CSV import is sent as ``text/csv`` and nothing else."""

    status, code = 415, "unsupported-media-type"


class ContentTooLarge(ProblemError):
    status, code = 413, "content-too-large"


async def read_body(request: Request, *, max_bytes: int, what: str) -> bytes:
    """The request's CSV body, refused unread when it is not ``text/csv`` and as soon as it passes
    ``max_bytes`` (declared or streamed), so a huge upload is never held in memory."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != CSV_MEDIA_TYPE:
        raise UnsupportedMediaType(f"send {what} as {CSV_MEDIA_TYPE}")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ContentTooLarge(f"the file is larger than {max_bytes} bytes: split it")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ContentTooLarge(f"the file is larger than {max_bytes} bytes: split it")
    return bytes(body)


def line_error(line: int, column: str | None, msg: str, type_: str = "value_error") -> FieldError:
    """A problem of the file where a person fixes it: ``["line", n]`` or ``["line", n, column]``."""
    loc: list[str | int] = ["line", line] if column is None else ["line", line, column]
    return FieldError(loc=loc, msg=msg, type=type_)


@dataclass(frozen=True)
class Line:
    """One row of the file: its line number (the header is line 1) and its cells by column."""

    number: int
    cells: dict[str, str]


def read_lines(
    body: bytes, *, columns: Sequence[str], required: Collection[str], max_rows: int, rows_are: str
) -> tuple[list[Line], list[FieldError]]:
    """Every non-blank row of the file by its column names, and every problem of the file itself: not
    UTF-8, unreadable CSV, a header with unknown, missing or repeated columns, a row of the wrong width,
    more than ``max_rows`` rows, or none (``rows_are`` names them in that message)."""
    try:
        text = body.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is not part of the header
    except UnicodeDecodeError as exc:
        return [], [line_error(body[: exc.start].count(b"\n") + 1, None, "the file is not UTF-8 text", "encoding")]
    if "\x00" in text:
        where = text[: text.index("\x00")].count("\n") + 1
        return [], [line_error(where, None, "the file holds a NUL byte", "encoding")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[FieldError] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [line_error(reader.line_num, None, f"unreadable CSV: {exc}", "csv")]
    if header is None or not any(h.strip() for h in header):
        return [], [line_error(1, None, "the file is empty: the first line must name the columns", "csv")]
    names = [h.strip() for h in header]
    unknown = [n for n in names if n not in columns]
    missing = sorted(set(required) - set(names))
    repeated = sorted({n for n in names if names.count(n) > 1})
    errors += [line_error(1, n, f"unknown column {n!r}", "csv_header") for n in unknown]
    errors += [line_error(1, n, f"missing column {n!r}", "csv_header") for n in missing]
    errors += [line_error(1, n, f"column {n!r} appears more than once", "csv_header") for n in repeated]
    if errors:
        return [], errors

    lines: list[Line] = []
    number, rows = 1, 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(line_error(start, None, f"unreadable CSV: {exc}", "csv"))
            break
        number = start
        if not any(c.strip() for c in cells):
            continue  # blank lines, as spreadsheets leave at the end, carry nothing
        if rows == max_rows:
            too_many = f"the file has more than {max_rows} rows: split it"
            errors.append(line_error(number, None, too_many, "too_many_rows"))
            break
        rows += 1
        if len(cells) != len(names):
            errors.append(
                line_error(number, None, f"the row has {len(cells)} cells; the header names {len(names)}", "csv_row")
            )
            continue
        lines.append(Line(number, dict(zip(names, cells, strict=True))))
    if not lines and not errors:
        errors.append(line_error(number, None, f"the file has no {rows_are} rows", "csv"))
    return lines, errors
