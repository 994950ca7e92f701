"""Test support for every service: real Postgres and RabbitMQ, isolated per test."""
