"""A synthetic but plausible register and cohort for the facilitator benchmarks: facilitators around
London (and, for a national register, around the centres of the other regions), their sessions over the
coming weeks, and participants with the mix of preferences academies see. Deterministic for a given seed."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

TRUSTS = [f"R{c}{d}" for c in "ABCDEFGHJK" for d in "123"]  # 30 organisations
LANGUAGES = ["cy", "pa", "ur", "pl", "bn", "gu", "ro", "pt"]
SPECIALISMS = [
    "clinical_leadership",
    "first_line_management",
    "middle_management",
    "senior_leadership",
    "board_development",
    "team_360",
    "inclusive_leadership",
    "career_transition",
    "primary_care",
    "mental_health",
    "acute_care",
    "community_care",
]
LONDON = (51.507, -0.128)
# The regions of a national register, London first, each with the centre its facilitators live around.
REGIONS: dict[str, tuple[float, float]] = {
    "london": LONDON,
    "kent_surrey_sussex": (51.05, -0.10),
    "thames_valley": (51.75, -1.25),
    "wessex": (50.90, -1.40),
    "south_west": (50.72, -3.53),
    "east_of_england": (52.20, 0.12),
    "east_midlands": (52.95, -1.15),
    "west_midlands": (52.48, -1.90),
    "north_west": (53.48, -2.24),
    "cheshire_and_merseyside": (53.25, -2.80),
    "yorkshire_and_humber": (53.80, -1.55),
    "north_east": (54.97, -1.61),
}


@dataclass(frozen=True)
class SlotSpec:
    starts_at: datetime
    ends_at: datetime
    modes: tuple[str, ...]


@dataclass(frozen=True)
class FacilitatorSpec:
    name: str
    email: str
    organisation: str
    status: str
    expires_on: date
    capacity_per_month: int
    modes: tuple[str, ...]
    languages: tuple[str, ...]
    specialisms: tuple[str, ...]
    latitude: float
    longitude: float
    conflict_organisations: tuple[str, ...]
    slots: tuple[SlotSpec, ...]
    region: str = "london"

    def document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "email": self.email,
            "organisation": self.organisation,
            "region": self.region,
            "status": self.status,
            "accreditation": {
                "level": "facilitator",
                "trained_on": "2024-01-01",
                "expires_on": self.expires_on.isoformat(),
            },
            "capacity_per_month": self.capacity_per_month,
            "modes": list(self.modes),
            "languages": list(self.languages),
            "specialisms": list(self.specialisms),
            "location": {"latitude": self.latitude, "longitude": self.longitude},
            "conflicts": {"organisations": list(self.conflict_organisations), "participants": []},
        }


@dataclass(frozen=True)
class ParticipantSpec:
    id: str
    organisation: str
    mode: str | None
    languages: tuple[str, ...]
    specialisms: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    rater_emails: tuple[str, ...]

    def preferences(self) -> dict[str, Any]:
        out: dict[str, Any] = {"languages": list(self.languages), "specialisms": list(self.specialisms)}
        if self.mode:
            out["mode"] = self.mode
        if self.latitude is not None:
            out["location"] = {"latitude": self.latitude, "longitude": self.longitude}
        return out


def _near(rng: random.Random, spread: float = 0.25, centre: tuple[float, float] = LONDON) -> tuple[float, float]:
    return round(centre[0] + rng.uniform(-spread, spread), 4), round(
        centre[1] + rng.uniform(-spread * 1.6, spread * 1.6), 4
    )


def register(
    seed: int,
    facilitators: int,
    slots_each: int,
    start: datetime,
    days: int = 56,
    per_region: int | None = None,
) -> list[FacilitatorSpec]:
    """Facilitators with ``slots_each`` one-hour sessions on working days from ``start`` (none overlap).

    All in London by default; with ``per_region``, the first that many in London, the next in the
    second region of ``REGIONS`` and so on, round again should the regions run out. The same seed
    gives London the same facilitators whatever the size of the register."""
    rng = random.Random(seed)
    out = []
    window_end = (start + timedelta(days=days)).date()
    regions = list(REGIONS)
    for i in range(facilitators):
        region = regions[(i // per_region) % len(regions)] if per_region else "london"
        modes = rng.choices([("in_person", "video"), ("video",), ("in_person",)], weights=[6, 3, 1])[0]
        starts: set[datetime] = set()
        while len(starts) < slots_each:
            day = start.date() + timedelta(days=rng.randrange(1, days))
            if day.weekday() >= 5:
                continue
            starts.add(datetime(day.year, day.month, day.day, rng.randrange(8, 17), tzinfo=UTC))
        slots = tuple(
            SlotSpec(s, s + timedelta(hours=1), modes if rng.random() < 0.7 else (rng.choice(modes),))
            for s in sorted(starts)
        )
        lat, lon = _near(rng, centre=REGIONS[region])
        out.append(
            FacilitatorSpec(
                name=f"Facilitator {i:04d}",
                email=f"bench.facilitator{i}@nhs.example.org",
                organisation=rng.choice(TRUSTS),
                status="active" if rng.random() < 0.95 else "inactive",
                # A few accreditations run out during the window; the rules must notice on their own.
                expires_on=window_end - timedelta(days=rng.randrange(0, days))
                if rng.random() < 0.05
                else date(2035, 1, 1),
                capacity_per_month=rng.randrange(2, 9),
                modes=modes,
                languages=("en", *rng.sample(LANGUAGES, rng.choice([0, 0, 0, 1, 1, 2]))),
                specialisms=tuple(rng.sample(SPECIALISMS, rng.randrange(1, 4))),
                latitude=lat,
                longitude=lon,
                conflict_organisations=tuple(rng.sample(TRUSTS, 1)) if rng.random() < 0.1 else (),
                slots=slots,
                region=region,
            )
        )
    return out


def cohort(seed: int, participants: int, facilitators: list[FacilitatorSpec]) -> list[ParticipantSpec]:
    rng = random.Random(seed + 1)
    out = []
    for j in range(participants):
        lat, lon = _near(rng, 0.3)
        has_place = rng.random() < 0.5
        raters = [f"colleague{j}-{k}@nhs.example.org" for k in range(5)]
        if rng.random() < 0.05:  # some participants nominate a facilitator as one of their raters
            raters[0] = rng.choice(facilitators).email
        out.append(
            ParticipantSpec(
                id=f"bench-participant-{j}-{uuid.UUID(int=rng.getrandbits(128)).hex[:6]}",
                organisation=rng.choice(TRUSTS),
                mode=rng.choices([None, "video", "in_person"], weights=[3, 4, 3])[0],
                languages=(rng.choice(LANGUAGES), "en") if rng.random() < 0.15 else (),
                specialisms=tuple(rng.sample(SPECIALISMS, 1)) if rng.random() < 0.5 else (),
                latitude=lat if has_place else None,
                longitude=lon if has_place else None,
                rater_emails=tuple(raters),
            )
        )
    return out
