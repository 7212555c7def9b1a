"""Saved assessments: the store (SQLAlchemy), its tables, and re-evaluation under a new rulebook."""
