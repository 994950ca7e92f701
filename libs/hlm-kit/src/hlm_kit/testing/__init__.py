"""Test support for every service: real Postgres and RabbitMQ, isolated per test."""

from datetime import UTC, date, datetime


def today() -> date:
    """The day the services count as today (they date by UTC).

    Tests read it when they run, never when their module loads: a module loaded before midnight
    and run after it would otherwise send yesterday as today.
    """
    return datetime.now(UTC).date()
