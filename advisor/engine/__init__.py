"""The engine layer: answers, evaluation, explanations, comparison and scenarios.

Pure: no I/O beyond reading answers.
"""
