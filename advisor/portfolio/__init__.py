"""Portfolios: many workflows at once, read from a CSV or several answers files, into one table."""
