"""Who may do what (advisor.access): every mode of a deployment and every kind of signed-in user, mapped to a role
and its permissions. Pure: no Streamlit, no server."""

from __future__ import annotations

import itertools

import pytest

from advisor.access import (
    PERMISSIONS,
    AccessDenied,
    Permission,
    Policy,
    actor_for,
    is_loopback,
    local_actor,
    policy_from,
)

ALICE = {"is_logged_in": True, "sub": "u-alice", "email": "Alice@Example.org", "email_verified": True}
POLICY = Policy(
    admins=frozenset({"root@example.org", "group:ops"}),
    editors=frozenset({"alice@example.org", "group:rule-editors"}),
)


def signed_in(user, policy=POLICY):
    return actor_for(policy, auth_configured=True, address="0.0.0.0", user=user)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses_are_this_machine_only(address):
    assert is_loopback(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.5", "example.org", "unix:/tmp/advisor.sock"])
def test_every_other_address_is_exposed_including_streamlits_default_of_every_interface(address):
    assert not is_loopback(address)


def test_without_sign_in_on_loopback_the_local_user_may_do_everything():
    actor = actor_for(Policy(), auth_configured=False, address="127.0.0.1", user=None, local_name="ann")
    assert (actor.mode, actor.role, actor.id) == ("local", "admin", "local")
    assert actor.permissions == frozenset(Permission)
    assert actor.label == "local user (ann)"


@pytest.mark.parametrize("address", [None, "0.0.0.0", "10.0.0.7"])
def test_without_sign_in_on_another_address_nothing_can_be_changed_and_the_app_says_why(address):
    actor = actor_for(Policy(), auth_configured=False, address=address, user=None)
    assert (actor.mode, actor.role, actor.permissions) == ("exposed", "viewer", frozenset())
    assert "read-only" in actor.reason and "ADVISOR_ALLOW_ANONYMOUS_SAVES=1" in actor.reason


def test_an_exposed_app_saves_assessments_only_when_explicitly_allowed_and_never_renames_or_deletes():
    actor = actor_for(Policy(allow_anonymous_saves=True), auth_configured=False, address="0.0.0.0", user=None)
    assert actor.permissions == frozenset({Permission.SAVE})
    assert not actor.may_manage("anonymous") and not actor.may_manage("")


def test_a_local_users_claims_are_ignored_when_no_sign_in_is_configured():
    actor = actor_for(POLICY, auth_configured=False, address="0.0.0.0", user={**ALICE, "email": "root@example.org"})
    assert actor.permissions == frozenset()


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0", None])
@pytest.mark.parametrize("user", [None, {}, {"is_logged_in": False}, {"email": "test@example.com"}])
def test_with_sign_in_configured_a_visitor_who_is_not_signed_in_is_a_viewer_even_on_loopback(address, user):
    actor = actor_for(POLICY, auth_configured=True, address=address, user=user)
    assert (actor.mode, actor.role, actor.permissions, actor.id) == ("signed-out", "viewer", frozenset(), "")


def test_an_editor_listed_by_verified_email_may_change_the_rulebook_whatever_the_case_of_the_address():
    actor = signed_in(ALICE)
    assert (actor.role, actor.id, actor.label) == ("editor", "alice@example.org", "alice@example.org")
    assert actor.may(Permission.EDIT_RULES) and actor.may(Permission.SAVE)
    assert not actor.may(Permission.MANAGE_ANY)


@pytest.mark.parametrize("verified", [False, None, "false", "no"])
def test_an_unverified_email_grants_no_role(verified):
    for email in ("alice@example.org", "root@example.org"):
        user = {**ALICE, "email": email, "email_verified": verified}
        if verified is None:
            del user["email_verified"]
        actor = signed_in(user)
        assert (actor.role, actor.permissions) == ("viewer", frozenset())
        assert actor.id == "sub:u-alice" and "not verified" in actor.label


def test_a_verified_flag_sent_as_the_string_true_counts():
    assert signed_in({**ALICE, "email_verified": "True"}).role == "editor"


def test_any_other_signed_in_user_with_a_verified_email_is_an_assessor_by_default():
    actor = signed_in({**ALICE, "email": "bob@example.org"})
    assert actor.role == "assessor"
    assert actor.permissions == frozenset({Permission.SAVE, Permission.MANAGE_OWN})
    assert actor.may_manage("bob@example.org") and not actor.may_manage("alice@example.org")
    assert not actor.may_manage("")  # assessments saved before owners were recorded: admins only


def test_when_assessors_are_listed_everyone_else_is_a_viewer():
    policy = Policy(assessors=frozenset({"carol@example.org", "group:architects"}))
    assert signed_in({**ALICE, "email": "carol@example.org"}, policy).role == "assessor"
    assert signed_in({**ALICE, "email": "bob@example.org", "groups": ["architects"]}, policy).role == "assessor"
    assert signed_in({**ALICE, "email": "bob@example.org"}, policy).role == "viewer"


def test_roles_come_from_the_groups_claim_without_a_verified_email():
    user = {"is_logged_in": True, "sub": "u-7", "groups": ["staff", "rule-editors"]}
    actor = signed_in(user)
    assert (actor.role, actor.id) == ("editor", "sub:u-7")
    assert signed_in({**user, "groups": "ops"}).role == "admin"  # one group sent as a string


def test_the_groups_claim_name_is_a_setting():
    policy = Policy(editors=frozenset({"group:rule-editors"}), groups_claim="roles")
    assert signed_in({"is_logged_in": True, "sub": "u", "roles": ["rule-editors"]}, policy).role == "editor"
    assert signed_in({"is_logged_in": True, "sub": "u", "groups": ["rule-editors"]}, policy).role == "viewer"


@pytest.mark.parametrize("groups", [None, 7, {"rule-editors": True}, [None, 3], [""]])
def test_a_malformed_groups_claim_is_no_groups(groups):
    assert signed_in({"is_logged_in": True, "sub": "u", "groups": groups}).role == "viewer"


def test_admin_wins_over_editor_and_may_manage_anyones_assessment():
    actor = signed_in({**ALICE, "groups": ["ops"]})
    assert actor.role == "admin" and actor.may_manage("someone@else.org") and actor.may_manage("")


def test_a_signed_in_user_with_neither_verified_email_nor_subject_can_only_view():
    actor = signed_in({"is_logged_in": True, "groups": ["rule-editors"]})
    assert (actor.id, actor.permissions) == ("", frozenset())


def test_every_combination_of_mode_and_claims_grants_editing_only_to_editors_admins_and_the_local_user():
    emails = [None, "alice@example.org", "root@example.org", "bob@example.org"]
    for auth, address, logged_in, email, verified, groups in itertools.product(
        [True, False], ["127.0.0.1", "0.0.0.0", None], [True, False], emails, [True, False], [[], ["rule-editors"]]
    ):
        user = {"is_logged_in": logged_in, "sub": "s", "email": email, "email_verified": verified, "groups": groups}
        actor = actor_for(POLICY, auth_configured=auth, address=address, user=user)
        assert actor.permissions == PERMISSIONS[actor.role] or actor.mode == "exposed"
        may_edit = actor.may(Permission.EDIT_RULES)
        expected = (not auth and address == "127.0.0.1") or (
            auth and logged_in and (bool(groups) or (verified and email in ("alice@example.org", "root@example.org")))
        )
        assert may_edit == expected, (auth, address, logged_in, email, verified, groups)


def test_a_refusal_names_who_and_what():
    viewer = signed_in({**ALICE, "email": "eve@example.org", "email_verified": False})
    with pytest.raises(AccessDenied, match=r"you \(eve@example.org \(e-mail not verified\), viewer\) may not change"):
        viewer.require(Permission.EDIT_RULES)
    with pytest.raises(AccessDenied, match=r"belongs to bob@example\.org; only its owner or an admin"):
        signed_in({**ALICE, "email": "carol@example.org"}).require_owner("bob@example.org", "‘Checkout’")


def test_settings_read_emails_groups_and_switches():
    settings = {
        "ADVISOR_ADMINS": " Root@Example.org , group:Ops ,, ",
        "ADVISOR_RULE_EDITORS": "alice@example.org",
        "ADVISOR_GROUPS_CLAIM": "roles",
        "ADVISOR_ALLOW_ANONYMOUS_SAVES": "1",
    }
    policy = policy_from(settings.get)
    assert policy.admins == {"root@example.org", "group:Ops"}
    assert policy.editors == {"alice@example.org"}
    assert (policy.assessors, policy.groups_claim, policy.allow_anonymous_saves) == (None, "roles", True)
    assert policy_from({}.get) == Policy()
    assert policy_from({"ADVISOR_ALLOW_ANONYMOUS_SAVES": "0"}.get).allow_anonymous_saves is False


def test_the_command_line_acts_as_the_local_user():
    actor = local_actor("ann")
    assert (actor.id, actor.role, actor.label) == ("local", "admin", "ann (command line)")
