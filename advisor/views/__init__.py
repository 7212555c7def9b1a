"""The views: the JSON contract and terminal text, the diagram and the report.

They read an evaluation, never make one.
"""
