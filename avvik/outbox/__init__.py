"""The transactional outbox: work for the workers, written with the change it follows."""
