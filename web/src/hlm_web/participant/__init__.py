"""A signed-in participant's pages: their self-assessments, 360s and reports, through the gateway with their token."""
