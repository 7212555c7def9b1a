"""The Advisor: recommends orchestration, choreography or a hybrid for a workflow, and explains why."""
__version__ = "0.1.0"
