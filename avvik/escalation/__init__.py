"""Reminders and the escalation ladder for cases whose deadlines pass."""
