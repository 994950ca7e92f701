"""An organisation's request for an internal facilitator training course for its staff, and the academy's
answer: a course scheduled for them, or a refusal with its reason."""
