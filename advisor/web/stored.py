"""The saved assessments on a page: the store opened once per database URL for the whole server, and reads of
it; a store that is not installed, cannot be opened, is gone or cannot be read stops the page with the reason,
never a traceback (see `advisor.saved.faults`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from advisor.errors import UserError
from advisor.web.display import error_text

if TYPE_CHECKING:
    from advisor.saved.store import Store

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    """One store (a connection pool) per database URL, shared by the sessions and pages of this server."""
    # Why: the store extra (SQLAlchemy) is optional; `open_or_stop` says so when it is missing
    from advisor.saved.store import Store

    return Store(url)


def open_or_stop() -> tuple[Store, str]:
    """The store at $ADVISOR_DB_URL (or the default) and its URL to show (no password); the page stops, saying
    why, when it cannot."""
    try:
        from advisor.saved.store import default_url, printable_url  # Why: optional, as in `_open`
    except ImportError:
        st.error(
            "Saving assessments needs the `store` extra: `pip install 'coordination-advisor[store]'`.",
            icon=":material/error:",
        )
        st.stop()
    url = default_url()
    try:
        return _open(url), printable_url(url)
    except UserError as e:
        st.error("The saved assessments cannot be opened:", icon=":material/error:")
        st.code(error_text(e), language=None, wrap_lines=True)
        st.stop()


def read(call: Callable[..., T], *args: object) -> T:
    """`call(*args)`, a read of the store; on a `UserError` the page says why and stops."""
    try:
        return call(*args)
    except UserError as e:
        st.error("The saved assessments cannot be read:", icon=":material/error:")
        st.code(error_text(e), language=None, wrap_lines=True)
        st.stop()
