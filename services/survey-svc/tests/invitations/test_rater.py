"""The rater's side: the token alone opens one questionnaire, drafts are kept, a response is
submitted once, and every link that opens nothing answers the same 404."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from hlm_contracts import QuestionnairePublishedV1, ResponseSubmittedV1
from hlm_kit.errors import UnprocessableContent
from hlm_kit.testing.pytest_plugin import share_session
from survey_svc.invitations import rate_limit
from survey_svc.main import create_app
from survey_svc.questionnaires import service as questionnaire_service
from survey_svc.questionnaires.repository import QuestionnaireRepository
from survey_svc.responses import answers as answer_rules
from survey_svc.responses.schemas import ResponseIn

Problem = Any


async def test_a_token_opens_its_own_questionnaire_and_keeps_the_draft(
    survey: Any, client: httpx.AsyncClient, hlm_360: QuestionnairePublishedV1
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    token = tokens[raters[2]["email"]]
    draft = {
        "answers": [
            {"item_key": hlm_360.items[0].key, "level": 2},
            {"item_key": hlm_360.items[1].key, "level": "not_observed"},
        ],
        "importance": [{"dimension_key": hlm_360.dimensions[0].key, "rating": 4}],
        "comments": [{"dimension_key": hlm_360.dimensions[1].key, "text": "Kind under pressure."}],
    }

    saved = await client.put(f"/v1/invitations/{token}/draft", json=draft)
    view = (await client.get(f"/v1/invitations/{token}")).json()

    assert saved.status_code == 200
    assert (view["stage"], view["rater_group"], view["participant_name"]) == ("feedback", "peer", "Alex Morgan")
    assert view["questionnaire"]["id"] == str(hlm_360.questionnaire_id)
    assert len(view["questionnaire"]["items"]) == len(hlm_360.items)
    assert view["draft"] == draft
    assert datetime.fromisoformat(view["closes_at"]) == datetime.fromisoformat(cycle["closes_at"])


async def test_a_submitted_response_reaches_the_outbox_with_its_group_only(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, outbox_envelopes: Any
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)

    submitted = await client.post(
        f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=full_answers(survey.hlm_360, 4)
    )

    assert submitted.status_code == 201
    event = (await outbox_envelopes(cycle["id"]))[-1]
    assert event["type"] == "hlm.survey.response.submitted.v1"
    assert set(event["data"]) == {
        "cycle_id",
        "response_id",
        "rater_group",
        "answers",
        "importance",
        "comments",
        "submitted_at",
    }
    assert event["data"]["rater_group"] == "line_manager"
    assert raters[0]["email"] not in str(event)
    assert "Sam Line" not in str(event)


async def test_the_submitted_event_carries_the_response_as_the_rater_gave_it(
    survey: Any, client: httpx.AsyncClient, outbox_envelopes: Any
) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    items, dimensions = survey.hlm_360.items, survey.hlm_360.dimensions
    body = {
        "answers": [
            {"item_key": item.key, "level": "not_observed" if n % 5 == 4 else 1 + n % 4} for n, item in enumerate(items)
        ],
        "importance": [{"dimension_key": d.key, "rating": 4 - n % 4} for n, d in enumerate(dimensions)],
        "comments": [{"dimension_key": dimensions[1].key, "text": 'Asks the quiet ones first. \u00e9 \u2014 "quoted"'}],
    }

    submitted = await client.post(f"/v1/invitations/{tokens[raters[1]['email']]}/submit", json=body)

    assert submitted.status_code == 201, submitted.text
    envelope = (await outbox_envelopes(cycle["id"]))[-1]
    event = ResponseSubmittedV1.model_validate(envelope["data"])
    assert [(a.item_key, a.level) for a in event.answers] == [
        (a["item_key"], None if a["level"] == "not_observed" else a["level"]) for a in body["answers"]
    ]
    assert [(r.dimension_key, r.rating) for r in event.importance] == [
        (r["dimension_key"], r["rating"]) for r in body["importance"]
    ]
    assert [(c.dimension_key, c.text) for c in event.comments] == [
        (c["dimension_key"], c["text"]) for c in body["comments"]
    ]
    assert (str(event.cycle_id), event.rater_group.value) == (cycle["id"], "peer")
    assert event.submitted_at == datetime.fromisoformat(submitted.json()["submitted_at"])


async def test_answers_that_break_the_questionnaire_are_refused_listing_every_problem(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, stored_state: Any, assert_problem: Problem
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    body = full_answers(survey.hlm_360)
    body["answers"][0]["item_key"] = "not-an-item"
    body["answers"][1] = dict(body["answers"][2])  # the same item twice
    body["importance"] = body["importance"][1:]  # one dimension without importance
    body["comments"].append({"dimension_key": "no-such-dimension", "text": "?"})
    before = await stored_state()

    problem = assert_problem(await client.post(f"/v1/invitations/{token}/submit", json=body), 422)

    assert sorted(e["type"] for e in problem["errors"]) == sorted(
        [
            "unknown_item",
            "duplicate",
            "unknown_dimension",
            "missing_answer",
            "missing_answer",
            "missing_importance",
        ]
    )
    assert await stored_state() == before


@pytest.mark.parametrize(
    ("answer", "loc"),
    [
        ({"item_key": "isp-1", "level": 5}, ["body", "answers", 0, "level"]),
        ({"item_key": "isp-1", "level": 0}, ["body", "answers", 0, "level"]),
        ({"item_key": "isp-1", "level": "3"}, ["body", "answers", 0, "level"]),
        ({"item_key": "isp-1", "level": "n/a"}, ["body", "answers", 0, "level"]),
        ({"item_key": "isp-1"}, ["body", "answers", 0, "level"]),
        ({"item_key": "isp-1", "level": 3, "rater": "me"}, ["body", "answers", 0, "rater"]),
    ],
)
async def test_a_level_outside_1_to_4_or_not_observed_is_refused_and_nothing_stored(
    survey: Any,
    client: httpx.AsyncClient,
    stored_state: Any,
    assert_problem: Problem,
    answer: dict[str, Any],
    loc: list[Any],
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    before = await stored_state()

    for url in (f"/v1/invitations/{token}/draft", f"/v1/invitations/{token}/submit"):
        method = client.put if url.endswith("draft") else client.post
        problem = assert_problem(await method(url, json={"answers": [answer]}), 422)
        assert next(e["loc"][:4] for e in problem["errors"]) == loc

    assert await stored_state() == before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b'{"answers": [1, ', "application/json; charset=utf-8"),
        (b"NaN", "application/json"),
        (b"[]", "application/json"),
        (b'{"answers": [{"item_key": "x", "level": 2.0}], "extra": 1}', "application/json"),
        (b'{"answers": [{"item_key": "x", "level": "2"}]}', "application/json"),
        (b'{"comments": [{"dimension_key": "x", "text": " "}]}', "application/vnd.hlm+json"),
        (b'{"answers": []}', "text/plain"),
        (b'{"answers": []}', ""),
        (b"\xe8\xc0\xa3i", "application/json"),
    ],
)
async def test_the_submit_refuses_a_body_exactly_as_the_draft_does(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem, content: bytes, content_type: str
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    headers = {"Content-Type": content_type} if content_type else {}

    draft = await client.put(f"/v1/invitations/{token}/draft", content=content, headers=headers)
    submit = await client.post(f"/v1/invitations/{token}/submit", content=content, headers=headers)

    assert draft.status_code == submit.status_code, (draft.text, submit.text)
    if draft.status_code in (400, 422):
        drafted, submitted = assert_problem(draft, draft.status_code), assert_problem(submit, submit.status_code)
        assert {**submitted, "instance": None} == {
            **drafted,
            "instance": None,
            "correlation_id": submitted.get("correlation_id"),
        }


async def test_importance_outside_1_to_4_is_refused(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]

    problem = assert_problem(
        await client.put(
            f"/v1/invitations/{token}/draft", json={"importance": [{"dimension_key": "leading_with_care", "rating": 9}]}
        ),
        422,
    )

    assert problem["errors"][0]["loc"] == ["body", "importance", 0, "rating"]


async def test_not_observed_is_refused_where_the_questionnaire_asks_for_a_level_on_every_item(
    survey: Any, client: httpx.AsyncClient, session: AsyncSession, assert_problem: Problem
) -> None:
    strict = survey.hlm_360.model_copy(
        update={"questionnaire_id": uuid.uuid4(), "key": "strict-360", "not_observed_label": None}
    )
    await QuestionnaireRepository(session).add_snapshot(strict)
    _, raters = await survey.open_360(questionnaire_id=str(strict.questionnaire_id), self_questionnaire_id=None)
    token = (await survey.tokens(raters))[raters[1]["email"]]

    response = await client.put(
        f"/v1/invitations/{token}/draft", json={"answers": [{"item_key": "isp-1", "level": "not_observed"}]}
    )

    assert [e["type"] for e in assert_problem(response, 422)["errors"]] == ["not_observed"]


async def test_a_response_is_submitted_once(
    survey: Any,
    client: httpx.AsyncClient,
    full_answers: Any,
    session: AsyncSession,
    stored_state: Any,
    assert_problem: Problem,
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    assert (await client.post(f"/v1/invitations/{token}/submit", json=full_answers(survey.hlm_360))).status_code == 201
    before = await stored_state()

    again = await client.post(f"/v1/invitations/{token}/submit", json=full_answers(survey.hlm_360, 1))
    draft = await client.put(f"/v1/invitations/{token}/draft", json={})

    assert_problem(again, 404)
    assert_problem(draft, 404)
    assert await stored_state() == before
    assert await session.scalar(text("SELECT count(*) FROM survey.response WHERE rater_group = 'peer'")) == 1


async def test_the_first_submit_against_a_questionnaire_the_process_has_not_read_stores_one_response(
    survey: Any,
    client: httpx.AsyncClient,
    full_answers: Any,
    session: AsyncSession,
    outbox_envelopes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The one statement stores only for a questionnaire the body is known to answer: the first submit of one
    # this process has not read is made through the request's session, which reads it; the next in one
    # statement.
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    monkeypatch.setattr(questionnaire_service, "_answer_keys", type(questionnaire_service._answer_keys)(maxsize=256))
    monkeypatch.setattr(questionnaire_service, "_by_items", {})
    body = full_answers(survey.hlm_360)
    answered = answer_rules.GivenKeys.of(body)
    assert questionnaire_service.completely_answered(answered) == []

    first = await client.post(f"/v1/invitations/{tokens[raters[0]['email']]}/submit", json=body)
    assert questionnaire_service.completely_answered(answered) == [survey.hlm_360.questionnaire_id]
    second = await client.post(f"/v1/invitations/{tokens[raters[1]['email']]}/submit", json=body)

    assert (first.status_code, second.status_code) == (201, 201), first.text
    stored = text("SELECT rater_group FROM survey.response WHERE cycle_id = :cycle ORDER BY rater_group")
    assert list((await session.execute(stored, {"cycle": uuid.UUID(cycle["id"])})).scalars()) == [
        "line_manager",
        "peer",
    ]
    events = [e for e in await outbox_envelopes(cycle["id"]) if e["type"] == "hlm.survey.response.submitted.v1"]
    assert sorted(e["data"]["rater_group"] for e in events) == ["line_manager", "peer"]


@pytest.mark.parametrize(
    "change",
    ["an item missing", "an item twice", "an item of no questionnaire", "importance missing", "a comment elsewhere"],
)
async def test_a_body_that_does_not_answer_the_questionnaire_is_never_stored_in_one_statement(
    survey: Any, full_answers: Any, change: str
) -> None:
    # What the submit's one statement stores for: exactly what the answers' check lets through.
    body = full_answers(survey.hlm_360)
    answers, importance, comments = body["answers"], body["importance"], body["comments"]
    if change == "an item missing":
        answers.pop()
    elif change == "an item twice":
        answers.append(dict(answers[0]))
    elif change == "an item of no questionnaire":
        answers[0] = {**answers[0], "item_key": "no-such-item"}
    elif change == "importance missing":
        importance.pop()
    else:
        comments.append({"dimension_key": "no-such-dimension", "text": "Elsewhere."})
    keys = answer_rules.AnswerKeys.of(survey.hlm_360)

    assert answer_rules.complete_for({survey.hlm_360.questionnaire_id: keys}, answer_rules.GivenKeys.of(body)) == []
    with pytest.raises(UnprocessableContent):
        answer_rules.check(keys, ResponseIn.model_validate(body), complete=True)
    assert answer_rules.complete_for(
        {survey.hlm_360.questionnaire_id: keys}, answer_rules.GivenKeys.of(full_answers(survey.hlm_360))
    ) == [survey.hlm_360.questionnaire_id]


async def test_a_rater_who_declines_is_counted_and_their_link_stops(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    cycle, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[3]["email"]]

    declined = await client.post(f"/v1/invitations/{token}/decline")

    assert declined.status_code == 204
    assert_problem(await client.get(f"/v1/invitations/{token}"), 404)
    peers = (await client.get(f"/v1/cycles/{cycle['id']}", headers=survey.participant)).json()["progress"][1]
    assert (peers["invited"], peers["submitted"], peers["declined"]) == (3, 0, 1)


async def test_links_that_open_nothing_all_answer_the_same(
    survey: Any, client: httpx.AsyncClient, full_answers: Any, assert_problem: Problem
) -> None:
    """Submitted, declined, withdrawn, closed and unknown: the same status, type and detail."""
    cycle, raters = await survey.open_360(peers=4)
    tokens = await survey.tokens(raters)
    submitted, declined, withdrawn = (tokens[r["email"]] for r in raters[:3])
    await client.post(f"/v1/invitations/{submitted}/submit", json=full_answers(survey.hlm_360))
    await client.post(f"/v1/invitations/{declined}/decline")
    listed = (await client.get(f"/v1/cycles/{cycle['id']}/raters", headers=survey.participant)).json()["items"]
    rater_id = next(r["id"] for r in listed if r["email"] == raters[2]["email"])
    await client.delete(f"/v1/cycles/{cycle['id']}/raters/{rater_id}", headers=survey.participant)
    other_cycle, other_raters = await survey.open_360()
    closed = (await survey.tokens(other_raters))[other_raters[0]["email"]]
    for rater in other_raters[1:4]:
        await client.post(
            f"/v1/invitations/{(await survey.tokens([rater]))[rater['email']]}/submit",
            json=full_answers(survey.hlm_360),
        )
    await client.post(f"/v1/invitations/{closed}/submit", json=full_answers(survey.hlm_360))
    # Close the second cycle, then try one of its links that is still unanswered.
    extra = [{"name": "Late", "email": "late.rater@trust.example.org", "rater_group": "other"}]
    await survey.nominate(other_cycle["id"], extra)
    late = (await survey.tokens(extra))[extra[0]["email"]]
    assert (await client.post(f"/v1/cycles/{other_cycle['id']}/close", headers=survey.participant)).status_code == 200

    answers = []
    for token in (submitted, declined, withdrawn, late, "A" * 43):
        for method, suffix in (("GET", ""), ("PUT", "/draft"), ("POST", "/submit"), ("POST", "/decline")):
            body = {} if method != "GET" and suffix != "/decline" else None
            problem = assert_problem(await client.request(method, f"/v1/invitations/{token}{suffix}", json=body), 404)
            answers.append((problem["type"], problem["detail"]))

    assert len(set(answers)) == 1


async def test_guessing_tokens_is_slowed_down_per_address(
    survey: Any, settings: Any, session: AsyncSession, assert_problem: Problem
) -> None:
    _, raters = await survey.open_360()
    valid = (await survey.tokens(raters))[raters[0]["email"]]
    await _within_one_window(settings)
    guesser, rater = (
        await _client_from(settings, session, "203.0.113.7"),
        await _client_from(settings, session, "198.51.100.2"),
    )
    try:
        async with guesser as g, rater as r:
            for _ in range(settings.token_failures_per_window):
                assert_problem(await g.get(f"/v1/invitations/{uuid.uuid4().hex}{uuid.uuid4().hex}"), 404)

            blocked = await g.get(f"/v1/invitations/{valid}")
            from_elsewhere = await r.get(f"/v1/invitations/{valid}")

            # Refused whatever the link and whatever is done with it: a guess, a malformed one, a page saved.
            also_blocked = [
                await g.get(f"/v1/invitations/{uuid.uuid4().hex}{uuid.uuid4().hex}"),
                await g.get("/v1/invitations/short"),
                await g.put(f"/v1/invitations/{valid}/draft/any", json={}),
            ]

            assert_problem(blocked, 429)
            assert int(blocked.headers["retry-after"]) >= 1
            for response in also_blocked:
                assert_problem(response, 429)
            assert from_elsewhere.status_code == 200
    finally:
        await guesser.aclose()
        await rater.aclose()


async def test_a_rater_opening_their_link_reads_it_and_the_address_limit_in_one_statement(
    survey: Any, client: httpx.AsyncClient, connection: Any
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[0]["email"]]
    assert (await client.get(f"/v1/invitations/{token}")).status_code == 200  # first opened: noted once
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(connection.sync_connection, "before_cursor_execute", seen)
    try:
        opened = await client.get(f"/v1/invitations/{token}", params={"questionnaire": "false"})
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", seen)

    assert opened.status_code == 200, opened.text
    reads = [s for s in statements if "token_failure" in s or "invitation_token" in s]
    assert len(reads) == 1
    assert "token_failure" in reads[0]
    assert "invitation_token" in reads[0]


async def test_a_rater_submitting_looks_up_their_link_and_stores_the_response_in_one_statement(
    survey: Any, client: httpx.AsyncClient, connection: Any, full_answers: Any
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[1]["email"]]
    statements: list[str] = []

    def seen(query: Any) -> None:
        statements.append(query.query)

    # As the server receives them: the submit sends its statement on the driver's connection, beneath
    # SQLAlchemy's events.
    driver = (await connection.get_raw_connection()).driver_connection
    driver.add_query_logger(seen)
    try:
        submitted = await client.post(f"/v1/invitations/{token}/submit", json=full_answers(survey.hlm_360))
        await asyncio.sleep(0)  # asyncpg hands its loggers what was sent on the loop's next turn
    finally:
        driver.remove_query_logger(seen)

    assert submitted.status_code == 201, submitted.text
    links = [s for s in statements if "invitation_token" in s]
    assert len(links) == 1, links
    assert all(table in links[0] for table in ("token_failure", "INSERT INTO survey.response", "outbox_message"))


async def test_the_first_open_of_a_link_is_noted_once(survey: Any, client: httpx.AsyncClient, connection: Any) -> None:
    cycle, raters = await survey.open_360()
    tokens = await survey.tokens(raters)
    email = raters[0]["email"]
    opened_at = text("SELECT first_opened_at FROM survey.invitation WHERE cycle_id = :cycle AND email = :email")
    rater = {"cycle": uuid.UUID(cycle["id"]), "email": email}

    assert (await client.get(f"/v1/invitations/{tokens[email]}")).status_code == 200
    first = (await connection.execute(opened_at, rater)).scalar_one()
    assert (await client.get(f"/v1/invitations/{tokens[email]}")).status_code == 200
    again = (await connection.execute(opened_at, rater)).scalar_one()

    assert first is not None
    assert again == first


@pytest.mark.parametrize(("method", "suffix"), [("POST", "/submit"), ("PUT", "/draft/{dimension}")])
async def test_guesses_through_the_submit_and_a_page_sent_are_counted_too(
    survey: Any,
    settings: Any,
    session: AsyncSession,
    full_answers: Any,
    assert_problem: Problem,
    method: str,
    suffix: str,
) -> None:
    """The submit and a page sent take their caller apart from the other routes of a link: a guess sent
    as a whole response or as one page counts against the address as one sent as a read does, and the
    address is then refused."""
    _, raters = await survey.open_360()
    valid = (await survey.tokens(raters))[raters[0]["email"]]
    whole = full_answers(survey.hlm_360)
    dimension = whole["importance"][0]["dimension_key"]
    body = whole if method == "POST" else {"importance": whole["importance"][:1]}
    route = suffix.format(dimension=dimension)
    await _within_one_window(settings)
    guesser = await _client_from(settings, session, "203.0.113.9")
    try:
        async with guesser as g:
            for _ in range(settings.token_failures_per_window):
                guess = f"/v1/invitations/{uuid.uuid4().hex}{uuid.uuid4().hex}{route}"
                assert_problem(await g.request(method, guess, json=body), 404)

            blocked = await g.request(method, f"/v1/invitations/{valid}{route}", json=body)
            read = await g.get(f"/v1/invitations/{valid}")

            assert_problem(blocked, 429)
            assert int(blocked.headers["retry-after"]) >= 1
            assert_problem(read, 429)
    finally:
        await guesser.aclose()
    stored = await session.scalar(text("SELECT count(*) FROM survey.response"))
    assert stored == 0


async def _within_one_window(settings: Any, needed_s: float = 30.0) -> None:
    """Failures are counted in fixed windows: a burst that straddled the end of one would be counted half
    in each, and not reach the limit. Waits for the next window when this one is about to end."""
    left = rate_limit.seconds_left_in_window(settings)
    if left < needed_s:
        await asyncio.sleep(left + 0.5)


async def _client_from(settings: Any, session: AsyncSession, address: str) -> httpx.AsyncClient:
    app = create_app(settings)
    share_session(app, session)
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://survey-svc")


async def test_a_token_never_shows_in_error_documents_or_metrics(
    survey: Any, client: httpx.AsyncClient, assert_problem: Problem
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[0]["email"]]

    invalid = await client.put(f"/v1/invitations/{token}/draft", json={"answers": "not a list"})
    unknown = await client.get("/v1/invitations/Zz" + token[2:])
    metrics = (await client.get("/metrics")).text

    for response in (invalid, unknown):
        problem = response.json()
        assert token not in response.text
        assert token[2:] not in response.text
        assert "~token~" in problem["instance"]
    assert token not in metrics
    assert token[2:] not in metrics
    assert 'route="/v1/invitations/{token}/draft"' in metrics


async def test_a_token_never_shows_in_a_trace(
    survey: Any, client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    _, raters = await survey.open_360()
    token = (await survey.tokens(raters))[raters[0]["email"]]
    spans.clear()

    assert (await client.get(f"/v1/invitations/{token}")).status_code == 200
    assert (await client.get("/v1/invitations/Zz" + token[2:])).status_code == 404
    assert (await client.get(f"/v1/no-such-page/{token}")).status_code == 404

    server_spans = [span for span in spans.get_finished_spans() if span.kind is SpanKind.SERVER]
    paths = [(span.attributes or {}).get("url.path") for span in server_spans]
    assert paths == ["/v1/invitations/~token~", "/v1/invitations/~token~", "~unrouted~"]
    for span in server_spans:
        assert token[2:] not in repr(span.to_json())
