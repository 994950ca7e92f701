"""E-learning results imported as CSV from the academy's learning system: every row judged against the pass
mark and counted towards completion; a file with any bad row stores none of them and lists each bad row by
its line and column; a file exported again records nothing twice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import COURSE_DAY_OFFSET

CSV = {"Content-Type": "text/csv"}
HEADER = "name,email,score,assessed_on"


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode()


async def post(client: httpx.AsyncClient, headers: dict[str, str], body: bytes) -> httpx.Response:
    return await client.post("/v1/training/assessments/import", content=body, headers={**headers, **CSV})


async def results(client: httpx.AsyncClient, admin: dict[str, str]) -> list[tuple[str, int, int, bool]]:
    listed = (await client.get("/v1/training/assessments", headers=admin)).json()["items"]
    return [(a["email"], a["score"], a["pass_mark"], a["is_passed"]) for a in listed]


async def test_every_row_is_recorded_and_judged_against_the_pass_mark(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = csv_of(
        "Ann Ash,ann.ash@trust.example.org,85,2031-03-01",
        "Bob Birch,bob.birch@trust.example.org,79%,2031-03-02",
        # A spreadsheet's spaces around a cell and a capital in the address.
        " Cat Cedar , Cat.Cedar@trust.example.org , 80 ,2031-03-02",
    )

    response = await post(client, admin, body)

    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": 3, "already_recorded": 0}
    assert sorted(await results(client, admin)) == [
        ("Cat.Cedar@trust.example.org", 80, 80, True),
        ("ann.ash@trust.example.org", 85, 80, True),
        ("bob.birch@trust.example.org", 79, 80, False),
    ]


async def test_a_file_with_bad_rows_stores_none_of_them_and_lists_each_bad_row(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, stored_state: Any
) -> None:
    before = await stored_state()
    body = csv_of(
        "Ann Ash,ann.ash@trust.example.org,85,2031-03-01",
        "Bob Birch,bob.birch@trust.example.org,eighty,2031-03-02",
        "Cat Cedar,not-an-address,101,2031-03-02",
        "Dan Dale,dan.dale@trust.example.org,90,02/03/2031",
        "Eve Elm,eve.elm@trust.example.org,90",
        ",fay.fir@trust.example.org,90,2031-03-02",
    )

    problem = assert_problem(await post(client, admin, body), 422)

    assert "nothing was stored" in problem["detail"]
    assert [e["loc"] for e in problem["errors"]] == [
        ["line", 3, "score"],
        ["line", 4, "email"],
        ["line", 4, "score"],
        ["line", 5, "assessed_on"],
        ["line", 6],
        ["line", 7, "name"],
    ]
    assert "3 cells" in problem["errors"][4]["msg"]
    assert await stored_state() == before


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        (b"", 1, "empty"),
        (csv_of("Ann Ash,ann@trust.example.org,85,2031-03-01", header="name,email,score"), 1, "missing column"),
        (csv_of("Ann Ash,ann@trust.example.org,85,2031-03-01,x", header=HEADER + ",grade"), 1, "unknown column"),
        (csv_of(), 1, "no result rows"),
        (csv_of("Ann Ash,ann@trust.example.org,85,2031-03-01").replace(b"Ash", b"\xe9sh"), 2, "UTF-8"),
        (csv_of('"Ann Ash,ann@trust.example.org,85,2031-03-01'), 2, "unreadable CSV"),
        (csv_of("=SUM(A1),ann@trust.example.org,85,2031-03-01"), 2, "pattern"),
    ],
    ids=["empty", "missing-column", "unknown-column", "header-only", "not-utf8", "open-quote", "formula"],
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


async def test_a_file_exported_again_records_nothing_twice(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    first = csv_of("Ann Ash,ann.ash@trust.example.org,72,2031-03-01")
    # The next export holds every result to date: Ann's first attempt again (its address as another system
    # writes it) and her second, and the same row twice by mistake.
    again = csv_of(
        "Ann Ash,ANN.ASH@trust.example.org,72,2031-03-01",
        "Ann Ash,ann.ash@trust.example.org,88,2031-03-08",
        "Ann Ash,ann.ash@trust.example.org,88,2031-03-08",
    )

    assert (await post(client, admin, first)).json() == {"recorded": 1, "already_recorded": 0}
    assert (await post(client, admin, again)).json() == {"recorded": 1, "already_recorded": 2}
    assert sorted(score for _, score, _, _ in await results(client, admin)) == [72, 88]


async def test_another_regions_results_are_its_own(client: httpx.AsyncClient, admin: dict[str, str], auth: Any) -> None:
    north = auth("academy_admin", sub="admin-north", region="north_west")
    row = csv_of("Ann Ash,ann.ash@trust.example.org,85,2031-03-01")

    assert (await post(client, north, row)).json() == {"recorded": 1, "already_recorded": 0}
    assert (await post(client, admin, row)).json() == {"recorded": 1, "already_recorded": 0}
    assert await results(client, admin) == [("ann.ash@trust.example.org", 85, 80, True)]


async def test_an_imported_pass_lets_the_trainer_record_completion(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    add_course: Any,
    enrol: Any,
    trainer_headers: dict[str, str],
    clock: Any,
    at: Any,
) -> None:
    course = await add_course()
    ann = (await enrol(course, "Ann Ash")).json()
    assert (await post(client, admin, csv_of("Ann Ash,ann.ash@trust.example.org,91,2031-03-01"))).status_code == 200
    clock.now = at(COURSE_DAY_OFFSET, 16)
    attended = await client.post(
        f"/v1/training/enrolments/{ann['id']}/attendance", json={"attended": True}, headers=trainer_headers
    )
    assert attended.status_code == 200, attended.text

    completed = await client.post(f"/v1/training/enrolments/{ann['id']}/complete", headers=trainer_headers)

    assert completed.status_code == 200, completed.text
    assert completed.json()["enrolment"]["status"] == "completed"


async def test_a_file_that_is_not_csv_or_too_large_is_refused_unread(
    client: httpx.AsyncClient, admin: dict[str, str], assert_problem: Any, settings: Any
) -> None:
    row = csv_of("Ann Ash,ann.ash@trust.example.org,85,2031-03-01")
    as_json = await client.post(
        "/v1/training/assessments/import", content=row, headers={**admin, "Content-Type": "application/json"}
    )
    huge = row + b"x" * settings.assessment_import_max_bytes

    assert_problem(as_json, 415)
    assert_problem(await post(client, admin, huge), 413)
