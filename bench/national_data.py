"""A national year of the platform's data, written straight into the services' tables with COPY.

Everything is drawn from one seeded generator and streamed in blocks of cycles, so memory stays flat
whatever the scale. Rows keep every constraint of the schemas (COPY checks them all: keys, foreign
keys, checks, exclusion constraints) and the domain's rules: a 360 invites a line manager, peers,
direct reports and others; a response belongs to a submitted invitation of an open or closed cycle
(the participant's own has none); answers are 1-4 or not observed (null); only closed cycles have a
report; a booking takes a slot of its facilitator and never overlaps another.

Answers, importance ratings and comments come from a few hundred response variants drawn once, each
kept as the JSON survey-svc stores and as the JSON report-svc stores, so that a response reads the same
in both services. Report contents and published figures are copied from reports that report-svc's
own build made from such responses (the templates), so their shape is exactly what the service writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import facilitator_data

REGIONS = list(facilitator_data.REGIONS)
ORGANISATIONS_PER_REGION = 20
# The rater groups of a 360: who is invited, and which of them submit (9 of 11, with the self: 10 responses).
INVITED = ["line_manager"] + ["peer"] * 4 + ["direct_report"] * 4 + ["other"] * 2
SUBMITTED = frozenset({0, 1, 2, 3, 5, 6, 7, 9, 10})
RESPONSE_VARIANTS = 256
THRESHOLDS = {"line_manager": 1, "peer": 3, "direct_report": 3, "other": 3, "others_total": 4}
CONTEXTS = ["team meeting", "ward round", "one-to-one", "handover", "project board", "incident review"]
TEXT = (
    "In the last few months I have seen them take time to explain their reasons, ask the team what they think "
    "and follow up afterwards."
)


def organisation(region: int, k: int) -> str:
    return f"R{region:02d}{k:02d}"


def staff_id(n: int) -> str:
    return f"staff-{n:07d}"


def staff_email(n: int) -> str:
    return f"staff.{n:07d}@nhs.example.org"


def email_hash_of(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


@dataclass(frozen=True)
class Sizes:
    """How much a national year holds at ``scale`` (1.0: the whole of it)."""

    scale: float
    staff: int
    cycles: int
    observations: int
    facilitators: int
    slots_per_facilitator: int = 100  # two a week over a year

    @classmethod
    def at(cls, scale: float) -> Sizes:
        return cls(
            scale=scale,
            staff=max(int(1_500_000 * scale), 200),
            cycles=max(int(150_000 * scale), 20),
            observations=max(int(1_000_000 * scale), 100),
            facilitators=max(int(3_000 * scale), len(REGIONS)),
        )


@dataclass(frozen=True)
class Questionnaire:
    """What the generators need of the questionnaire every cycle is pinned to."""

    id: uuid.UUID
    item_keys: tuple[str, ...]
    dimension_keys: tuple[str, ...]


@dataclass(frozen=True)
class CycleSpec:
    """One 360 as the generators lay it out."""

    id: uuid.UUID
    participant: int
    organisation: str
    region: str
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None  # None: still open
    release_mode: str
    raters: int = len(INVITED)
    known_tokens: bool = False  # every invitation open, with a token the caller keeps (submit's probe)


@dataclass
class Block:
    """The rows of a block of cycles, per table, in the order foreign keys need them."""

    rows: dict[tuple[str, str], list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: tuple[str, str], row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


# The columns written per table; the rest take their defaults (or are computed, like a slot's range).
COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("survey", "cycle"): (
        "id", "kind", "status", "participant_id", "participant_name", "organisation", "region", "questionnaire_id",
        "release_mode", "requires_approval", "min_line_manager", "min_peer", "min_direct_report", "min_other",
        "min_others_total", "closes_at", "opened_at", "closed_at", "close_reason", "created_at", "updated_at",
    ),
    ("survey", "invitation"): (
        "id", "cycle_id", "rater_group", "name", "email", "status", "reminders_sent", "nominated_at", "ended_at",
        "first_opened_at",
    ),
    ("survey", "invitation_token"): ("token_hash", "invitation_id", "issued_at"),
    ("survey", "response"): (
        "id", "cycle_id", "invitation_id", "rater_group", "answers", "importance", "comments", "submitted_at",
    ),
    ("survey", "feedback_session"): ("booking_id", "cycle_id", "participant_id", "starts_at", "ends_at"),
    ("survey", "observation"): (
        "id", "author_id", "observed_on", "context", "what_happened", "dimension_keys", "reflection", "created_at",
        "updated_at",
    ),
    ("report", "cycle"): (
        "id", "kind", "participant_id", "organisation", "region", "questionnaire_id", "closes_at", "thresholds",
        "release_mode", "opened_at", "submitted", "invited", "closed_at",
    ),
    ("report", "response"): ("id", "cycle_id", "rater_group", "answers", "importance", "comments"),
    ("report", "report"): (
        "id", "cycle_id", "participant_id", "organisation", "region", "kind", "state", "status", "release_mode",
        "version", "content", "closed_at", "released_at", "released_by", "created_at", "updated_at",
    ),
    ("report", "report_version"): ("report_id", "version", "content", "built_at"),
    ("report", "published_score"): (
        "report_id", "dimension_key", "rater_group", "score", "level", "questionnaire_id", "organisation", "region",
        "closed_at",
    ),
    ("report", "consent"): ("participant_id", "organisation", "granted_at"),
    ("report", "booking"): (
        "id", "facilitator_id", "participant_id", "cycle_id", "starts_at", "ends_at", "completed_at",
        "booked_event_at", "facilitator_subject",
    ),
    ("facilitator", "participant_cycle"): ("cycle_id", "participant_id", "organisation", "region", "kind", "opened_at"),
    ("facilitator", "rater_conflict"): ("participant_id", "email_hash", "cycle_id", "nominated_at"),
    ("facilitator", "facilitator"): (
        "id", "subject", "name", "email", "email_hash", "organisation", "region", "accreditation_level",
        "accreditation_trained_on", "accreditation_expires_on", "status", "capacity_per_month", "modes", "languages",
        "specialisms", "latitude", "longitude", "conflict_organisations", "is_listed",
    ),
    ("facilitator", "slot"): ("id", "facilitator_id", "facilitator_number", "starts_at", "ends_at", "modes"),
    ("facilitator", "booking"): (
        "id", "facilitator_id", "facilitator_number", "slot_id", "participant_id", "participant_organisation",
        "participant_region", "cycle_id", "mode", "starts_at", "ends_at", "status", "booked_by", "created_at",
        "confirmed_at", "completed_at", "rating",
    ),
}  # fmt: skip


async def copy_block(connections: dict[str, asyncpg.Connection], block: Block) -> int:
    """COPY a block's rows, one connection per schema (the schemas load side by side)."""
    import asyncio

    async def load(schema: str) -> int:
        count = 0
        for table_schema, table in COLUMNS:  # in the order foreign keys need
            rows = block.rows.get((table_schema, table))
            if table_schema != schema or not rows:
                continue
            await connections[schema].copy_records_to_table(
                table, schema_name=schema, columns=COLUMNS[(schema, table)], records=rows
            )
            count += len(rows)
        return count

    return sum(await asyncio.gather(*(load(s) for s in {s for s, _ in block.rows})))


# ----------------------------------------------------------------------------------------------------
# Responses
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseVariant:
    survey_answers: str
    survey_importance: str
    survey_comments: str
    report_answers: str
    report_importance: str
    report_comments: str
    body: dict[str, Any]  # as a rater submits it through the API


def response_variants(q: Questionnaire, rng: random.Random, count: int = RESPONSE_VARIANTS) -> list[ResponseVariant]:
    out = []
    for _ in range(count):
        levels = [rng.choice([1, 2, 3, 3, 4, 4, None]) for _ in q.item_keys]
        ratings = [rng.randint(1, 4) for _ in q.dimension_keys]
        commented = [d for d in q.dimension_keys if rng.random() < 0.3]
        answers = [{"item_key": k, "level": v} for k, v in zip(q.item_keys, levels, strict=True)]
        importance = [{"dimension_key": d, "rating": r} for d, r in zip(q.dimension_keys, ratings, strict=True)]
        comments = [{"dimension_key": d, "text": f"On {d}: {TEXT}"} for d in commented]
        out.append(
            ResponseVariant(
                survey_answers=json.dumps(answers),
                survey_importance=json.dumps(importance),
                survey_comments=json.dumps(comments),
                report_answers=json.dumps(dict(zip(q.item_keys, levels, strict=True))),
                report_importance=json.dumps(dict(zip(q.dimension_keys, ratings, strict=True))),
                report_comments=json.dumps({c["dimension_key"]: c["text"] for c in comments}),
                body={
                    "answers": [
                        {"item_key": a["item_key"], "level": "not_observed" if a["level"] is None else a["level"]}
                        for a in answers
                    ],
                    "importance": importance,
                    "comments": comments,
                },
            )
        )
    return out


# ----------------------------------------------------------------------------------------------------
# Cycles: survey-svc's own rows and what report-svc and facilitator-svc learnt of them
# ----------------------------------------------------------------------------------------------------


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def cycle_rows(
    block: Block,
    spec: CycleSpec,
    q: Questionnaire,
    variants: Sequence[ResponseVariant],
    rng: random.Random,
    staff: int,
    tokens: list[str] | None = None,
) -> None:
    """A 360's rows in the three services that hold it; ``tokens`` receives the plaintext of the tokens
    of a ``known_tokens`` cycle (every invitation still open)."""
    closed = spec.closed_at is not None
    participant = staff_id(spec.participant)
    block.add(
        ("survey", "cycle"),
        (spec.id, "feedback_360", "closed" if closed else "open", participant, f"Staff {spec.participant}",
         spec.organisation, spec.region, q.id, spec.release_mode, False, 1, 3, 3, 3, 4, spec.closes_at,
         spec.opened_at, spec.closed_at, "deadline" if closed else None, spec.opened_at,
         spec.closed_at or spec.opened_at),
    )  # fmt: skip
    block.add(
        ("facilitator", "participant_cycle"),
        (spec.id, participant, spec.organisation, spec.region, "feedback_360", spec.opened_at),
    )
    invited: dict[str, int] = {}
    submitted: dict[str, int] = {"self": 1} if not spec.known_tokens else {}
    step = staff // (spec.raters + 2) or 1
    span = (spec.closed_at or spec.closes_at) - spec.opened_at
    for k in range(spec.raters):
        group = INVITED[k % len(INVITED)]
        rater = (spec.participant + 1 + k * step) % staff
        email = staff_email(rater)
        invitation_id = _uuid(rng)
        done = not spec.known_tokens and k in SUBMITTED
        when = spec.opened_at + span * rng.random()
        block.add(
            ("survey", "invitation"),
            (invitation_id, spec.id, group, f"Staff {rater}", email, "submitted" if done else "invited", 0,
             spec.opened_at, when if done else None, when if done else None),
        )  # fmt: skip
        block.add(("facilitator", "rater_conflict"), (participant, email_hash_of(email), spec.id, spec.opened_at))
        invited[group] = invited.get(group, 0) + 1
        if spec.known_tokens:
            plaintext = uuid.UUID(int=rng.getrandbits(128)).hex + uuid.UUID(int=rng.getrandbits(128)).hex
            assert tokens is not None
            tokens.append(plaintext)
            block.add(
                ("survey", "invitation_token"),
                (hashlib.sha256(plaintext.encode()).digest(), invitation_id, spec.opened_at),
            )
        elif not closed and not done:
            block.add(("survey", "invitation_token"), (rng.randbytes(32), invitation_id, spec.opened_at))
        if done:
            submitted[group] = submitted.get(group, 0) + 1
            _response(block, spec, q, variants, rng, invitation_id, group, when)
    if not spec.known_tokens:
        _response(block, spec, q, variants, rng, None, "self", spec.opened_at + span * rng.random() / 2)
    block.add(
        ("report", "cycle"),
        (spec.id, "feedback_360", participant, spec.organisation, spec.region, q.id, spec.closes_at,
         json.dumps(THRESHOLDS), spec.release_mode, spec.opened_at, json.dumps(submitted) if closed else None,
         json.dumps(invited) if closed else None, spec.closed_at),
    )  # fmt: skip


def _response(
    block: Block,
    spec: CycleSpec,
    q: Questionnaire,
    variants: Sequence[ResponseVariant],
    rng: random.Random,
    invitation_id: uuid.UUID | None,
    group: str,
    when: datetime,
) -> None:
    v = variants[rng.randrange(len(variants))]
    response_id = _uuid(rng)
    block.add(
        ("survey", "response"),
        (response_id, spec.id, invitation_id, group, v.survey_answers, v.survey_importance, v.survey_comments, when),
    )
    block.add(
        ("report", "response"),
        (response_id, spec.id, group, v.report_answers, v.report_importance, v.report_comments),
    )


# ----------------------------------------------------------------------------------------------------
# Reports: copies of what report-svc built for the template cycles
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTemplate:
    content: str
    scores: tuple[tuple[str, str, Decimal, str], ...]  # dimension, rater group, score, level


async def read_templates(connection: asyncpg.Connection, cycle_ids: Sequence[uuid.UUID]) -> list[ReportTemplate]:
    out = []
    for cycle_id in cycle_ids:
        report = await connection.fetchrow(
            "SELECT id, content::text AS content FROM report.report WHERE cycle_id = $1 AND state = 'ready'", cycle_id
        )
        assert report is not None, f"report-svc built no ready report for template cycle {cycle_id}"
        scores = await connection.fetch(
            "SELECT dimension_key, rater_group, score, level FROM report.published_score WHERE report_id = $1"
            " ORDER BY 1, 2",
            report["id"],
        )
        out.append(ReportTemplate(report["content"], tuple((s[0], s[1], s[2], s[3]) for s in scores)))
    return out


def report_rows(
    block: Block, spec: CycleSpec, q: Questionnaire, template: ReportTemplate, rng: random.Random, consents: bool
) -> None:
    from report_svc.reports.service import report_id_of

    assert spec.closed_at is not None
    report_id = report_id_of(spec.id)
    built = spec.closed_at + timedelta(minutes=1)
    released = spec.release_mode == "direct" or rng.random() < 0.85
    released_at = built if spec.release_mode == "direct" else built + timedelta(days=rng.randrange(1, 20))
    changed = released_at if released else built
    participant = staff_id(spec.participant)
    block.add(
        ("report", "report"),
        (report_id, spec.id, participant, spec.organisation, spec.region, "feedback_360", "ready",
         "released" if released else "awaiting_release", spec.release_mode, 1, template.content, spec.closed_at,
         released_at if released else None,
         ("report-svc" if spec.release_mode == "direct" else "facilitator") if released else None, built, changed),
    )  # fmt: skip
    block.add(("report", "report_version"), (report_id, 1, template.content, built))
    for dimension, group, score, level in template.scores:
        block.add(
            ("report", "published_score"),
            (report_id, dimension, group, score, level, q.id, spec.organisation, spec.region, spec.closed_at),
        )
    if consents:
        block.add(("report", "consent"), (participant, spec.organisation, spec.opened_at))


# ----------------------------------------------------------------------------------------------------
# The national year
# ----------------------------------------------------------------------------------------------------


def organisations() -> list[tuple[str, str]]:
    """(organisation, region) of every trust, London's first."""
    return [(organisation(r, k), region) for r, region in enumerate(REGIONS) for k in range(ORGANISATIONS_PER_REGION)]


def national_cycles(
    sizes: Sizes, year_start: datetime, year_end: datetime, now: datetime, rng: random.Random
) -> Iterator[CycleSpec]:
    """``sizes.cycles`` 360s: nine in ten closed between ``year_start`` and ``year_end``, the rest open now.
    Participants are distinct members of staff, from the end of the staff list (the probe's are at its start)."""
    orgs = organisations()
    days = (year_end - year_start).days
    for n in range(sizes.cycles):
        participant = sizes.staff - 1 - n
        org, region = orgs[participant % len(orgs)]
        is_open = rng.random() < 0.1
        if is_open:
            opened = now - timedelta(days=rng.randrange(1, 20), hours=rng.randrange(24))
            yield CycleSpec(_uuid(rng), participant, org, region, opened, opened + timedelta(days=28), None,
                            rng.choice(["direct", "coached"]))  # fmt: skip
        else:
            opened = year_start + timedelta(days=rng.randrange(0, max(days - 30, 1)), hours=rng.randrange(24))
            closes = opened + timedelta(days=21)
            yield CycleSpec(_uuid(rng), participant, org, region, opened, closes, closes,
                            rng.choice(["direct", "coached"]))  # fmt: skip


def observation_rows(
    block: Block, authors: Sequence[int], count: int, q: Questionnaire, since: date, days: int, rng: random.Random
) -> None:
    for _ in range(count):
        author = authors[rng.randrange(len(authors))]
        observed = since + timedelta(days=rng.randrange(days))
        moment = datetime(observed.year, observed.month, observed.day, 18, tzinfo=UTC)
        block.add(
            ("survey", "observation"),
            (_uuid(rng), staff_id(author), observed, rng.choice(CONTEXTS), TEXT,
             rng.sample(q.dimension_keys, rng.choice([1, 1, 2])), None if rng.random() < 0.5 else TEXT, moment,
             moment),
        )  # fmt: skip


@dataclass(frozen=True)
class FacilitatorRow:
    id: uuid.UUID
    region: str
    number: int


def facilitator_rows(
    block: Block, specs: Sequence[facilitator_data.FacilitatorSpec], rng: random.Random
) -> list[uuid.UUID]:
    ids = []
    for spec in specs:
        facilitator_id = _uuid(rng)
        ids.append(facilitator_id)
        block.add(
            ("facilitator", "facilitator"),
            (facilitator_id, f"facilitator-{facilitator_id.hex[:12]}", spec.name, spec.email,
             email_hash_of(spec.email.lower()), spec.organisation, spec.region, "facilitator", date(2024, 1, 1),
             spec.expires_on, spec.status, spec.capacity_per_month, list(spec.modes), list(spec.languages),
             list(spec.specialisms), spec.latitude, spec.longitude, list(spec.conflict_organisations),
             rng.random() < 0.5),
        )  # fmt: skip
    return ids


async def numbers_of(connection: asyncpg.Connection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await connection.fetch("SELECT id, number FROM facilitator.facilitator WHERE id = ANY($1::uuid[])", ids)
    return {r["id"]: r["number"] for r in rows}


def slot_rows(
    block: Block, facilitator_id: uuid.UUID, number: int, slots: Sequence[facilitator_data.SlotSpec], rng: random.Random
) -> list[tuple[uuid.UUID, datetime, datetime]]:
    out = []
    for slot in slots:
        slot_id = _uuid(rng)
        block.add(
            ("facilitator", "slot"), (slot_id, facilitator_id, number, slot.starts_at, slot.ends_at, list(slot.modes))
        )
        out.append((slot_id, slot.starts_at, slot.ends_at))
    return out


def year_of_slots(start: datetime, weeks: int, per_week: int, rng: random.Random) -> list[facilitator_data.SlotSpec]:
    """``per_week`` one-hour sessions a week on distinct working days, over ``weeks`` weeks from ``start``."""
    out = []
    monday = (start - timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    for w in range(weeks):
        for day in sorted(rng.sample(range(5), per_week)):
            begins = monday + timedelta(weeks=w, days=day, hours=rng.randrange(8, 17))
            out.append(facilitator_data.SlotSpec(begins, begins + timedelta(hours=1), ("video",)))
    return out


def booking_rows(
    block: Block,
    facilitator: FacilitatorRow,
    slot: tuple[uuid.UUID, datetime, datetime],
    cycle: CycleSpec,
    rng: random.Random,
) -> None:
    """A completed feedback session, as facilitator-svc holds it and report-svc and survey-svc learnt of it."""
    slot_id, starts, ends = slot
    booking_id = _uuid(rng)
    participant = staff_id(cycle.participant)
    booked = starts - timedelta(days=rng.randrange(3, 20))
    block.add(
        ("facilitator", "booking"),
        (booking_id, facilitator.id, facilitator.number, slot_id, participant, cycle.organisation, cycle.region,
         cycle.id, "video", starts, ends, "completed", participant, booked, booked, ends, rng.choice([None, 4, 5])),
    )  # fmt: skip
    block.add(
        ("report", "booking"),
        (booking_id, facilitator.id, participant, cycle.id, starts, ends, ends, booked,
         f"facilitator-{facilitator.id.hex[:12]}"),
    )  # fmt: skip
    block.add(("survey", "feedback_session"), (booking_id, cycle.id, participant, starts, ends))


def with_closed(spec: CycleSpec, closed_at: datetime) -> CycleSpec:
    return dataclasses.replace(spec, closed_at=closed_at)
