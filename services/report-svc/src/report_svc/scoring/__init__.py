"""Scoring and confidentiality of reports: pure functions of a questionnaire, a cycle's settings and its
responses. Nothing here reads or writes anything, so every rule can be tested on its own."""
