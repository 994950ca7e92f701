"""facilitator-svc: the register of feedback facilitators, matching, booking and cohort allocation."""

__version__ = "0.1.0"
