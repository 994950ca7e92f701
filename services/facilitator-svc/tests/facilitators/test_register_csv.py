"""Bulk import and export of the register as CSV: hundreds of rows at once, every bad row reported with
its line and reason, nothing stored from a file with errors."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from facilitator_svc.facilitators.register_csv import COLUMNS

CSV = {"Content-Type": "text/csv"}


def row(n: int, **overrides: str) -> dict[str, str]:
    values = {
        "name": f"Imported {n:04d}",
        "email": f"imported{n}@trust.example.org",
        "phone": "",
        "subject": "",
        "organisation": "RYJ",
        "region": "london",
        "accreditation_level": "facilitator",
        "trained_on": "2029-05-01",
        "expires_on": "2032-05-01",
        "status": "active",
        "capacity_per_month": "4",
        "modes": "in_person;video",
        "languages": "en",
        "specialisms": "team_360;senior_leadership",
        "latitude": "51.5",
        "longitude": "-0.12",
        "conflict_organisations": "",
        "conflict_participants": "",
    }
    values.update(overrides)
    return values


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def post(client: httpx.AsyncClient, headers: dict[str, str], body: bytes) -> httpx.Response:
    return await client.post("/v1/facilitators/import", content=body, headers={**headers, **CSV})


async def test_hundreds_of_rows_import_at_once_and_export_back_unchanged(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    rows = [row(n) for n in range(300)]

    response = await post(client, admin, to_csv(rows))

    assert response.status_code == 200, response.text
    assert response.json() == {"created": 300, "updated": 0, "unchanged": 0}
    exported = await client.get("/v1/facilitators/export", headers=admin)
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="facilitators.csv"'
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(lines) == 300
    assert lines[0]["modes"] == "in_person;video"
    assert lines[0]["specialisms"] == "team_360;senior_leadership"
    again = await post(client, admin, exported.content)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 300}


async def test_an_import_updates_facilitators_it_finds_by_email(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await post(client, admin, to_csv([row(1), row(2)]))

    response = await post(client, admin, to_csv([row(1, capacity_per_month="9"), row(2), row(3)]))

    assert response.json() == {"created": 1, "updated": 1, "unchanged": 1}
    listed = (await client.get("/v1/facilitators", headers=admin)).json()["items"]
    assert {f["name"]: f["capacity_per_month"] for f in listed}["Imported 0001"] == 9


async def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_stored(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()
    rows = [
        row(1),
        row(2, capacity_per_month="-3"),
        row(3, specialisms="team_360;astrology"),
        row(4, modes=""),
        row(5, expires_on="2020-01-01"),
        row(6, email="imported1@trust.example.org"),
        row(7, region="north_west"),
        row(8, trained_on="yesterday", latitude="91"),
        row(9),
    ]

    problem = assert_problem(await post(client, admin, to_csv(rows)), 422)

    found = {(e["loc"][1], e["loc"][2] if len(e["loc"]) > 2 else None) for e in problem["errors"]}
    # Line 1 is the header: row n of the list is on line n + 2.
    assert found == {
        (3, "capacity_per_month"),
        (4, "specialisms"),
        (5, "modes"),
        (6, "expires_on"),
        (7, "email"),
        (8, "region"),
        (9, "trained_on"),
        (9, "latitude"),
    }
    assert all(e["loc"][0] == "line" for e in problem["errors"])
    assert "nothing was stored" in problem["detail"]
    assert await stored_state() == before


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        (b"", 1, "empty"),
        (to_csv([row(1)], [*COLUMNS, "shoe_size"]), 1, "unknown column"),
        (to_csv([row(1)], [c for c in COLUMNS if c != "email"]), 1, "missing column"),
        (to_csv([row(1)]) + b"only,three,cells\r\n", 3, "cells"),
        (to_csv([row(1)]) + b'"Unterminated, quote\r\n', 3, "unreadable"),
        (to_csv([row(1)]).replace(b"Imported", b"Imp\xe9rted"), 2, "UTF-8"),
        (b",".join(c.encode() for c in COLUMNS) + b"\r\n", 1, "no facilitator rows"),
        (to_csv([row(1, name="=HYPERLINK(1)")]), 2, "pattern"),
    ],
    ids=["empty", "unknown-column", "missing-column", "short-row", "open-quote", "not-utf8", "header-only", "formula"],
)
async def test_a_malformed_file_is_refused_with_the_line_at_fault_and_nothing_stored(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    assert_problem: Any,
    stored_state: Any,
    body: bytes,
    line: int,
    fragment: str,
) -> None:
    before = await stored_state()

    problem = assert_problem(await post(client, admin, body), 422)

    assert problem["errors"][0]["loc"][:2] == ["line", line]
    assert any(fragment in e["msg"] for e in problem["errors"]), problem["errors"]
    assert await stored_state() == before


async def test_a_spreadsheets_byte_order_mark_and_blank_lines_are_harmless(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = b"\xef\xbb\xbf" + to_csv([row(1)]) + b"\r\n,,,,,,,,,,,,,,,,,\r\n"

    assert (await post(client, admin, body)).json()["created"] == 1


async def test_an_email_registered_in_another_region_is_not_taken_over(
    client: httpx.AsyncClient, admin: dict[str, str], auth: Any, assert_problem: Any
) -> None:
    north = auth("academy_admin", sub="admin-2", region="north_west")
    await post(client, north, to_csv([row(1, region="north_west")]))

    problem = assert_problem(await post(client, admin, to_csv([row(1)])), 422)

    assert problem["errors"][0]["loc"] == ["line", 2, "email"]
    assert "north_west" in problem["errors"][0]["msg"]


async def test_a_file_that_is_not_csv_is_unsupported(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any
) -> None:
    response = await client.post(
        "/v1/facilitators/import", content=to_csv([row(1)]), headers={**admin, "Content-Type": "application/json"}
    )

    assert_problem(response, 415)


async def test_a_file_over_the_size_limit_is_refused_unread(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, settings: Any
) -> None:
    body = to_csv([row(1)]) + b"x" * settings.register_import_max_bytes

    assert_problem(await post(client, admin, body), 413)


async def test_a_file_with_more_rows_than_allowed_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, settings: Any, stored_state: Any
) -> None:
    before = await stored_state()
    limit = settings.register_import_max_rows
    body = to_csv([row(n) for n in range(limit + 1)])

    problem = assert_problem(await post(client, admin, body), 422)

    assert [e["type"] for e in problem["errors"]] == ["too_many_rows"]
    assert problem["errors"][0]["loc"] == ["line", limit + 2]
    assert await stored_state() == before
