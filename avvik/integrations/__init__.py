"""An organisation's own systems: service tokens, the feed of changes, webhooks."""
