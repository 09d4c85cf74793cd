"""Quality dashboards' engine: filters, scope, SQL aggregates, Anhøj run charts, exports.

Start from ``avvik.stats.services`` (tables by name, run charts, signals, exports) and
``avvik.stats.filters.StatsFilter``; ``avvik.stats.queries`` holds the typed aggregates.
"""
