"""Faults in the middle of a journey: RabbitMQ unreachable for every service, and services killed
outright (SIGKILL) and started again. Each time the journey completes, no response is lost, and the
report counts every response exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from hlm_kit.testing.pytest_plugin import wait_for

from .harness import FAILED, Platform
from .steps import (
    CYCLE,
    Gateway,
    Organisation,
    Rater,
    User,
    answer_invitation,
    answers,
    assert_counted_once,
    close,
    cycle,
    everywhere,
    open_360,
    questionnaire,
    raters_for,
    tokens_of,
    user,
)

SIZES = {"LINE_MANAGER": 1, "PEER": 3, "OTHER": 3}
EXPECTED_COUNTS = {"self": 1, "line_manager": 1, "peer": 3, "other": 3}
# A journey across a fault waits longer for its report: reconnecting and redelivering take seconds.
FAULT_DEADLINE_S = 60.0


@pytest_asyncio.fixture
async def recovered(platform: Platform, request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    """The platform, made whole again after the test: the broker back and every process running; after a
    failure every process is started afresh, so a platform the fault broke cannot fail the journeys after."""
    yield platform
    if request.node.stash.get(FAILED, True):
        await asyncio.to_thread(platform.restart_all)
    else:
        await asyncio.to_thread(platform.recover)


class Journey:
    """A 360 released directly to its participant, its raters' comments told apart."""

    def __init__(self, platform: Platform, gateway: Gateway) -> None:
        self.platform, self.gateway = platform, gateway
        self.where = Organisation()
        self.me: User = user(platform, "participant", self.where)
        self.raters: list[Rater] = raters_for(SIZES)
        self.comments = {rater.email: f"Observation {n} from the rota meeting." for n, rater in enumerate(self.raters)}
        self.cycle_id = ""

    async def open(self) -> None:
        self.three_sixty = await questionnaire(self.gateway, self.me, "hlm-360")
        self_wording = await questionnaire(self.gateway, self.me, "hlm-self")
        self.cycle_id = await open_360(
            self.gateway,
            self.me,
            (self.three_sixty, self_wording),
            self.raters,
            own=answers(self_wording, everywhere(2)),
            releaseMode="DIRECT",
        )
        for rater in self.raters:  # every invitation has gone out before anything fails
            await tokens_of(self.platform, rater)

    async def answer(self, rater: Rater) -> None:
        response = answers(self.three_sixty, everywhere(3), comment=self.comments[rater.email])
        await answer_invitation(self.gateway, self.platform, rater, response)

    async def report(self) -> dict[str, Any]:
        last_seen: dict[str, Any] = {}

        async def released() -> dict[str, Any] | None:
            last_seen.update(await self.gateway.raw(self.me, CYCLE, id=self.cycle_id))
            found = ((last_seen.get("data") or {}).get("cycle") or {}).get("report")
            return found if found and found["status"] == "released" else None

        try:
            report: dict[str, Any] = await wait_for(released, timeout_s=FAULT_DEADLINE_S, interval_s=0.3)
        except TimeoutError:
            pytest.fail(f"no released report {FAULT_DEADLINE_S:.0f}s after the fault; the cycle last seen: {last_seen}")
        return report


async def broker_lost(platform: Platform, name: str) -> bool:
    """The process says it lost the broker, and stays ready: a service's API serves on (its events wait in
    its outbox), the gateway answers queries (its subscriptions wait), and the web front never needed it."""
    async with httpx.AsyncClient(base_url=platform.url(name), timeout=5) as client:
        response = await client.get("/health/ready")
        return response.status_code == 200 and response.json()["optional"].get("broker", False) is False


async def every_process_ready_without_the_broker(platform: Platform) -> bool:
    answers = await asyncio.gather(*(broker_lost(platform, name) for name in platform.processes))
    return all(answers)


async def test_the_broker_going_away_mid_journey_loses_and_doubles_nothing(
    recovered: Platform, gateway: Gateway
) -> None:
    platform = recovered
    journey = Journey(platform, gateway)
    await journey.open()
    for rater in journey.raters[:3]:
        await journey.answer(rater)

    platform.broker.cut()
    # Every process notices, and none leaves its load balancer: on Kubernetes each stays in its Service.
    await wait_for(lambda: every_process_ready_without_the_broker(platform), timeout_s=15, interval_s=0.2)
    # Raters go on answering and the participant closes the cycle: survey-svc keeps every event in its
    # outbox while the broker is away, and the gateway still answers from the services.
    for rater in journey.raters[3:]:
        await journey.answer(rater)
    progress = (await cycle(gateway, journey.me, journey.cycle_id))["progress"]
    submitted = {p["raterGroup"]: p["submitted"] for p in progress}
    assert submitted == {"line_manager": 1, "peer": 3, "other": 3}
    await close(gateway, journey.me, journey.cycle_id)
    platform.broker.restore()

    report = await journey.report()
    assert_counted_once(report, EXPECTED_COUNTS, set(journey.comments.values()))
    await asyncio.to_thread(platform.wait_all_ready)


async def test_services_killed_mid_journey_lose_and_double_nothing(recovered: Platform, gateway: Gateway) -> None:
    platform = recovered
    journey = Journey(platform, gateway)
    await journey.open()
    for rater in journey.raters[:2]:
        await journey.answer(rater)

    # report-svc dies; its queues keep what arrives meanwhile.
    platform.kill("report")
    for rater in journey.raters[2:4]:
        await journey.answer(rater)
    # survey-svc dies the moment a response is stored, its event perhaps not yet relayed (or relayed and
    # not yet marked sent, so it goes out again after the restart).
    platform.kill("survey")
    await asyncio.to_thread(platform.restart, "survey")
    for rater in journey.raters[4:]:
        await journey.answer(rater)
    await close(gateway, journey.me, journey.cycle_id)

    # With report-svc down the gateway still answers, the report alone missing with a coded error.
    partial = await gateway.raw(journey.me, CYCLE, id=journey.cycle_id)
    assert partial["data"]["cycle"]["status"] == "closed"
    assert partial["data"]["cycle"]["report"] is None
    assert {e["extensions"]["code"] for e in partial["errors"]} == {"UPSTREAM_UNAVAILABLE"}

    await asyncio.to_thread(platform.restart, "report")
    report = await journey.report()
    assert_counted_once(report, EXPECTED_COUNTS, set(journey.comments.values()))
