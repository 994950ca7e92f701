"""A rater's questionnaire, opened with the token of their invitation link: no account, one page per dimension."""
