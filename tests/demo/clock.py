"""The demo tests' fixed "today", so that the generated history is the same every run."""

from __future__ import annotations

from datetime import UTC, datetime

#: A Monday morning in Oslo.
NOW = datetime(2026, 3, 16, 8, 30, tzinfo=UTC)
