"""report-svc: individual and group reports of leadership feedback, kept confidential by construction."""

__version__ = "0.1.0"
