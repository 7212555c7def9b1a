"""The blueprints: executable or contract documents built from an evaluation (placeholder; the registry replaces it)."""
