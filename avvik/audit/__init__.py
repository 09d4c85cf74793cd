"""The audit log: who looked at or changed sensitive data, when and why."""
