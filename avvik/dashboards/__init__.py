"""The quality dashboards' pages, downloads and yearly report (views over avvik.stats)."""
