"""Health of the running system: database, broker, worker heartbeat, outbox backlog."""
