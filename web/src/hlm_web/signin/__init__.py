"""Signing in: OpenID Connect for participants, and in development a local page that mints a token."""
