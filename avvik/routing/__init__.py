"""Routing rules: which unit answers a case."""
