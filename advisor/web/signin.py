"""Sign-in and the session's actor: Streamlit's own OpenID Connect sign-in (`st.login`, `st.user`, the `[auth]`
section of `.streamlit/secrets.toml`) read into `advisor.access`, which decides the role.

The inputs: whether an `[auth]` section exists (any `[auth]` section means sign-in mode, even an incomplete one:
a broken configuration then lets nobody change anything, rather than falling back to local mode), the address
the server listens on (`server.address`, set by `advisor web --address`), the claims of `st.user`, and the role
settings (README "Sign-in and roles"), each read from the environment first, else from a top-level secret of the
same name.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from advisor import access
from advisor.web.display import md_literal as lit

REQUIRED = ("redirect_uri", "cookie_secret")  # the shared settings st.login needs (README)


def _secrets() -> Mapping[str, Any]:
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except FileNotFoundError:  # no secrets.toml anywhere (StreamlitSecretNotFoundError is one)
        return {}


def auth_section() -> Mapping[str, Any] | None:
    """The `[auth]` section of the secrets, or None when sign-in is not configured."""
    section = _secrets().get("auth")
    return section if isinstance(section, Mapping) else None


def setting(name: str) -> str | None:
    """A role setting: the environment variable, else the top-level secret of that name, else None."""
    if name in os.environ:
        return os.environ[name]
    value = _secrets().get(name)
    return None if value is None or isinstance(value, Mapping) else str(value)


def _local_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        return ""


def current_actor() -> access.Actor:
    """Who is using this browser session, and what they may do (computed at every run: it is cheap)."""
    return access.actor_for(
        access.policy_from(setting),
        auth_configured=auth_section() is not None,
        address=st.get_option("server.address"),
        user=st.user.to_dict(),
        local_name=_local_name(),
    )


def show_account() -> None:
    """The sidebar's account box: who you are and your role, Sign in or Sign out, or why nothing can be changed."""
    actor = current_actor()
    box = st.sidebar.container(key="account")
    if actor.mode == "signed-out":
        section = auth_section() or {}
        missing = [k for k in REQUIRED if not section.get(k)]
        if missing:
            box.error(
                "Sign-in is configured but incomplete ([auth] lacks " + ", ".join(missing) + "), so nobody can sign "
                "in and nothing can be changed.",
                icon=":material/error:",
            )
            return
        box.caption("Not signed in: you can look, not change.")
        box.button("Sign in", key="signin", icon=":material/login:", on_click=st.login)
    elif actor.mode == "signed-in":
        box.caption(lit(f"Signed in as {actor.label} ({actor.role})."))
        box.button("Sign out", key="signout", icon=":material/logout:", on_click=st.logout)
    elif actor.mode == "exposed":
        box.warning(lit(actor.reason), icon=":material/lock:")
    else:
        box.caption("Local mode: a single user on this machine.")


def read_only_notice(permission: access.Permission, what: str) -> bool:
    """Show why `what` cannot be done here when the actor lacks `permission`; True when it can be done."""
    actor = current_actor()
    if actor.may(permission):
        return True
    st.info(lit(f"{what} is read-only for you ({actor.label}): {actor.reason}"), icon=":material/lock:")
    return False
