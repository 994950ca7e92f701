"""The HLM gateway: one GraphQL API for the app over the platform's services."""

__version__ = "0.1.0"
