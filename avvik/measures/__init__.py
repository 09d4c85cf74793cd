"""Measures (tiltak): improvement work tied to one or several cases, and its evaluation."""
