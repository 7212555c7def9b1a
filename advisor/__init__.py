"""The Advisor: recommends orchestration, choreography or a hybrid for a workflow, and explains why."""

import os

__version__ = "0.1.0"

# Why: pydantic looks for plugins through importlib.metadata entry points the first time a model validates,
# which costs about 20 ms of every CLI start; the Advisor uses no pydantic plugins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
