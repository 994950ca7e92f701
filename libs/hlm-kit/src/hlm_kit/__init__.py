"""Mechanism shared by every HLM platform service.

Services build on these pieces rather than each writing its own: settings, the database engine and
session, problem+json errors, JWT authentication, health and metrics endpoints, and the messaging
stack (CloudEvents envelope, transactional outbox, relay, inbox and consumer).
"""
