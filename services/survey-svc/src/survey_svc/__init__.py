"""survey-svc: self-assessments, 360 feedback cycles, confidential rater responses and the observation journal."""

__version__ = "0.1.0"
