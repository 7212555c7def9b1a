"""`advisor web`: start the web app (the same app `make run` starts), with the `web` extra installed.

The app is `advisor/web/app.py`; its Streamlit settings are `advisor/web/.streamlit/config.toml`, which
Streamlit reads as the main script's own configuration wherever the command is run from.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from advisor.errors import UserError
from advisor.resources import package_path

APP = package_path("advisor.web", "app.py")


def streamlit_command(port: int, address: str) -> list[str]:
    """The command line that serves the app: Streamlit's own runner, on `address:port`."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address", address]


def cmd_web(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("streamlit") is None:
        raise UserError("the web app needs the `web` extra: pip install 'coordination-advisor[web]'")
    command = streamlit_command(args.port, args.address)
    sys.stdout.flush()
    # Why exec: the server replaces this process, so Ctrl-C and signals from `make run` reach it directly.
    os.execv(command[0], command)
    return 0  # not reached


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="start the web app (needs the `web` extra)")
    p.add_argument("--port", type=int, default=8501, help="TCP port (default: 8501)")
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 exposes it)",
    )
    p.set_defaults(func=cmd_web)
