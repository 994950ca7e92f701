"""Which constraint a failed write broke, so a rule the database enforces becomes the right answer."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError


def violated_constraint(exc: DBAPIError) -> str | None:
    """The name of the constraint (or unique index) behind an integrity error, when the driver says."""
    cause = exc.orig.__cause__ if exc.orig is not None else None
    name = getattr(cause, "constraint_name", None) or getattr(exc.orig, "constraint_name", None)
    return name if isinstance(name, str) else None


def sqlstate(exc: DBAPIError) -> str | None:
    cause = exc.orig.__cause__ if exc.orig is not None else None
    code = getattr(cause, "sqlstate", None) or getattr(exc.orig, "sqlstate", None)
    return code if isinstance(code, str) else None
