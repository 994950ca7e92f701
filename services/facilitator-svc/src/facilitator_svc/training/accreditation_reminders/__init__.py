"""Reminders that a facilitator's accreditation lapses soon, recorded once per accreditation and reminder
point, and published with the courses that would renew it."""
