"""Reading the saved assessments on a page: a database that is gone or cannot be read stops the page with the
reason, never a traceback (see `advisor.saved.faults`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from advisor.errors import UserError
from advisor.web.display import error_text

T = TypeVar("T")


def read(call: Callable[..., T], *args: object) -> T:
    """`call(*args)`, a read of the store; on a `UserError` the page says why and stops."""
    try:
        return call(*args)
    except UserError as e:
        st.error("The saved assessments cannot be read:", icon=":material/error:")
        st.code(error_text(e), language=None, wrap_lines=True)
        st.stop()
