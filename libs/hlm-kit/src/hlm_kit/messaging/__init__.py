"""Events between services: CloudEvents envelope, transactional outbox and relay, inbox and consumer."""
