"""framework-svc: the catalogue of leadership frameworks and the questionnaires built on them."""

__version__ = "0.1.0"
