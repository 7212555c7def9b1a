"""Who may do what: the role and permissions of whoever is using the app, from the deployment and the sign-in.

Pure (standard library only): the web adapter (`advisor.web.signin`) gathers the inputs (is an `[auth]` section
configured, the address the server listens on, the identity claims of `st.user`, the settings) and calls
`actor_for`; the functions that change the rulebook or a saved assessment call `Actor.require` / `may_manage`, so
a permission is enforced where the change is made, not only by a disabled button.

- **Sign-in mode** (an `[auth]` section is configured): a visitor who is not signed in is a viewer. A signed-in
  user is an admin or a rule editor when listed in `ADVISOR_ADMINS` / `ADVISOR_RULE_EDITORS` by verified e-mail
  or by `group:NAME` (a group of the identity provider's groups claim, `ADVISOR_GROUPS_CLAIM`, default `groups`);
  otherwise an assessor when their e-mail is verified (or, when `ADVISOR_ASSESSORS` is set, only when listed
  there), else a viewer. Why verified only: an identity provider may let anyone type any address; an unverified
  e-mail grants nothing.
- **Local mode** (no `[auth]`, listening on a loopback address only): the single local user may do everything.
- **Exposed without sign-in** (no `[auth]`, any other address, or none: Streamlit's default is every interface):
  read-only; saving assessments only when `ADVISOR_ALLOW_ANONYMOUS_SAVES` is on, and then never renaming or
  deleting (nobody can show an assessment is theirs).

Each role includes the ones before it: viewer < assessor < editor < admin.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from advisor.errors import UserError

Role = Literal["viewer", "assessor", "editor", "admin"]
Mode = Literal["local", "signed-in", "signed-out", "exposed"]

ADMINS = "ADVISOR_ADMINS"
EDITORS = "ADVISOR_RULE_EDITORS"
ASSESSORS = "ADVISOR_ASSESSORS"
GROUPS_CLAIM = "ADVISOR_GROUPS_CLAIM"
ALLOW_ANONYMOUS_SAVES = "ADVISOR_ALLOW_ANONYMOUS_SAVES"
SETTINGS = (ADMINS, EDITORS, ASSESSORS, GROUPS_CLAIM, ALLOW_ANONYMOUS_SAVES)
GROUP_PREFIX = "group:"
ANONYMOUS = "anonymous"  # the owner recorded for an anonymous save (ADVISOR_ALLOW_ANONYMOUS_SAVES)
LOCAL = "local"  # the owner recorded in local mode and by the command line
NO_IDENTITY = "The identity provider sent neither a verified e-mail nor a subject; you can only view."


class Permission(Enum):
    """What a role allows; the value is the phrase a refusal uses."""

    SAVE = "save assessments"
    MANAGE_OWN = "rename or delete your own saved assessments"
    MANAGE_ANY = "rename, delete or add versions to anyone's saved assessments"
    EDIT_RULES = "change the rulebook (save, restore or install)"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    "viewer": frozenset(),
    "assessor": frozenset({Permission.SAVE, Permission.MANAGE_OWN}),
    "editor": frozenset({Permission.SAVE, Permission.MANAGE_OWN, Permission.EDIT_RULES}),
    "admin": frozenset(Permission),
}


class AccessDenied(UserError):
    """The actor may not do this; nothing was changed."""


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: `id` is the owner key saved assessments record (a verified e-mail in lower case,
    `sub:<subject>` without one, `local`, `anonymous`, or '' for nobody); `label` is how histories show them."""

    id: str
    label: str
    role: Role
    permissions: frozenset[Permission]
    mode: Mode
    reason: str  # one sentence the app shows: why these permissions

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise `AccessDenied` (saying why) unless the actor has `permission`."""
        if permission not in self.permissions:
            raise AccessDenied(f"you ({self.label}, {self.role}) may not {permission.value}. {self.reason}")

    def may_manage(self, owner: str) -> bool:
        """Whether the actor may rename or delete an assessment owned by `owner` ('' = no owner recorded: an
        assessment saved before owners were recorded, which only an admin or the local user manages)."""
        if Permission.MANAGE_ANY in self.permissions:
            return True
        return Permission.MANAGE_OWN in self.permissions and bool(owner) and owner == self.id

    def may_add_version(self, owner: str) -> bool:
        """Whether the actor may save a new version of an assessment owned by `owner`: their own (an anonymous
        save's owner is `anonymous`), or anyone's for an admin."""
        if Permission.SAVE not in self.permissions:
            return False
        return Permission.MANAGE_ANY in self.permissions or (bool(owner) and owner == self.id)

    def require_owner(self, owner: str, what: str) -> None:
        if not self.may_manage(owner):
            whose = f"belongs to {owner}" if owner else "has no recorded owner"
            raise AccessDenied(f"{what} {whose}; only its owner or an admin may change it (you are {self.label})")


@dataclass(frozen=True)
class Policy:
    """The role settings. Entries are e-mails (lower case) or `group:NAME`; `assessors` None = every signed-in
    user with a verified e-mail."""

    admins: frozenset[str] = frozenset()
    editors: frozenset[str] = frozenset()
    assessors: frozenset[str] | None = None
    groups_claim: str = "groups"
    allow_anonymous_saves: bool = False


def policy_from(setting: Callable[[str], str | None]) -> Policy:
    """The policy from the settings (`setting(name)`: the environment variable, else the secret, else None)."""
    assessors = setting(ASSESSORS)
    return Policy(
        admins=_entries(setting(ADMINS)),
        editors=_entries(setting(EDITORS)),
        assessors=None if assessors is None or not assessors.strip() else _entries(assessors),
        groups_claim=(setting(GROUPS_CLAIM) or "").strip() or "groups",
        allow_anonymous_saves=(setting(ALLOW_ANONYMOUS_SAVES) or "").strip().lower() in ("1", "true", "yes", "on"),
    )


def is_loopback(address: str | None) -> bool:
    """Whether a server listening on `address` is reachable from this machine only. None or '' is Streamlit's
    default, every interface; a Unix socket may sit behind a proxy: neither counts."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost, or unix:/path


def actor_for(
    policy: Policy,
    *,
    auth_configured: bool,
    address: str | None,
    user: Mapping[str, Any] | None,
    local_name: str = "",
) -> Actor:
    """The actor of one browser session. `user` is `st.user` as a dict (its `is_logged_in` and the identity
    provider's claims)."""
    if auth_configured:
        if user and user.get("is_logged_in") is True:
            return _signed_in(policy, user)
        return Actor(
            "", "not signed in", "viewer", PERMISSIONS["viewer"], "signed-out", "Sign in to save or change anything."
        )
    if is_loopback(address):
        label = f"local user ({local_name})" if local_name else "local user"
        reason = f"Local mode: no sign-in is configured and the app listens on {address} only (this machine)."
        return Actor(LOCAL, label, "admin", PERMISSIONS["admin"], "local", reason)
    where = address or "every network interface"
    reason = (
        f"No sign-in is configured and the app listens on {where}, not only on this machine, so the rulebook is "
        "read-only and saved assessments cannot be renamed or deleted; "
        + (
            "saving assessments is on (ADVISOR_ALLOW_ANONYMOUS_SAVES)."
            if policy.allow_anonymous_saves
            else "saving them is off (set ADVISOR_ALLOW_ANONYMOUS_SAVES=1 to allow it)."
        )
        + " Configure sign-in ([auth] in .streamlit/secrets.toml) to give people roles."
    )
    permissions = frozenset({Permission.SAVE}) if policy.allow_anonymous_saves else frozenset()
    return Actor(ANONYMOUS, "anonymous visitor", "viewer", permissions, "exposed", reason)


def local_actor(name: str = "") -> Actor:
    """The command line's actor: whoever can run it can write the files anyway."""
    label = f"{name} (command line)" if name else "command line"
    return Actor(LOCAL, label, "admin", PERMISSIONS["admin"], "local", "The command line acts as the local user.")


def verified_email(user: Mapping[str, Any]) -> str | None:
    """The user's e-mail in lower case when the identity provider says it is verified (`email_verified` true, or
    the string "true", as some providers send it), else None."""
    email = user.get("email")
    verified = user.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    if isinstance(email, str) and email.strip() and verified is True:
        return email.strip().lower()
    return None


def groups_of(user: Mapping[str, Any], claim: str) -> frozenset[str]:
    """The user's groups: the claim as a list of strings (or one string); anything else is no groups."""
    value = user.get(claim)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return frozenset()
    return frozenset(g.strip() for g in value if isinstance(g, str) and g.strip())


def _signed_in(policy: Policy, user: Mapping[str, Any]) -> Actor:
    email = verified_email(user)
    keys = {GROUP_PREFIX + g for g in groups_of(user, policy.groups_claim)} | ({email} if email else set())
    role: Role
    if keys & policy.admins:
        role = "admin"
    elif keys & policy.editors:
        role = "editor"
    elif (email is not None and policy.assessors is None) or (policy.assessors is not None and keys & policy.assessors):
        role = "assessor"
    else:
        role = "viewer"
    subject = str(user.get("sub") or "").strip()
    identity = email or (f"sub:{subject}" if subject else "")
    shown = email or str(user.get("email") or user.get("name") or subject or "signed-in user")
    label = shown if email else f"{shown} (e-mail not verified)"
    reason = {
        "admin": "You are an admin.",
        "editor": "You are a rule editor.",
        "assessor": "You are an assessor: you save and manage your own assessments.",
        "viewer": "You are a viewer"
        + ("" if email else ": your e-mail is not verified by the identity provider")
        + "; ask an admin for a role.",
    }[role]
    if not identity:  # no verified e-mail and no subject: nothing to own assessments by
        return Actor("", label, "viewer", PERMISSIONS["viewer"], "signed-in", NO_IDENTITY)
    return Actor(identity, label, role, PERMISSIONS[role], "signed-in", reason)


def _entries(text: str | None) -> frozenset[str]:
    """'a@x.org, group:Rule editors' -> {'a@x.org', 'group:Rule editors'} (e-mails lower case, group names as
    written)."""
    out = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.lower().startswith(GROUP_PREFIX):
            name = part[len(GROUP_PREFIX) :].strip()
            if name:
                out.add(GROUP_PREFIX + name)
        elif part:
            out.add(part.lower())
    return frozenset(out)
