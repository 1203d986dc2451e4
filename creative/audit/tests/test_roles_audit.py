"""Changes of roles and editors' territories are recorded: through roles.grant/revoke and in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from creative.accounts.models import EditorScope, User
from creative.accounts.permissions import can_moderate, is_trusted
from creative.accounts.roles import GROUP_ROLES, Role, grant, revoke
from creative.audit.models import AuditEntry
from tests.factories import UserFactory

from .admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def log_of(user):
    return list(AuditEntry.objects.for_object(user).order_by("pk").values_list("action", "actor", "data"))


# --- roles.grant / roles.revoke ----------------------------------------------------------------


def test_granting_and_revoking_with_an_actor_is_recorded(db):
    admin, person = UserFactory(roles=[Role.ADMINISTRATOR]), UserFactory()
    grant(person, Role.MODERATOR, by=admin)
    assert can_moderate(person)
    revoke(person, Role.MODERATOR, by=admin, reason="Fin de mission")
    assert not can_moderate(person)
    assert log_of(person) == [
        ("role.granted", admin.pk, {"role": "moderator"}),
        ("role.revoked", admin.pk, {"role": "moderator", "reason": "Fin de mission"}),
    ]
    entry = AuditEntry.objects.for_object(person).first()
    assert entry.target_repr == str(person.display_name)


def test_the_administrator_role_is_recorded_too(db):
    admin, person = UserFactory(roles=[Role.ADMINISTRATOR]), UserFactory()
    grant(person, Role.ADMINISTRATOR, by=admin)
    assert User.objects.get(pk=person.pk).is_superuser
    revoke(person, Role.ADMINISTRATOR, by=admin)
    assert [data["role"] for _action, _actor, data in log_of(person)] == ["administrator", "administrator"]


def test_a_grant_by_the_platform_has_no_actor_and_keeps_its_reasons(db):
    person = UserFactory()
    grant(person, Role.TRUSTED, by=None, reason="2 fiches publiées", automatic=True)
    assert is_trusted(person)
    assert log_of(person) == [("role.granted", None, {"role": "trusted", "reason": "2 fiches publiées",
                                                      "automatic": True})]


def test_granting_a_role_already_held_or_revoking_one_not_held_records_nothing(db):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    editor = UserFactory(roles=[Role.EDITOR])
    grant(editor, Role.EDITOR, by=admin)
    revoke(editor, Role.MODERATOR, by=admin)
    revoke(editor, Role.ADMINISTRATOR, by=admin)
    assert log_of(editor) == []


def test_without_by_nothing_is_recorded(db):
    # Test fixtures, the demo loader and callers that still record for themselves.
    person = UserFactory()
    grant(person, Role.TRUSTED)
    revoke(person, Role.TRUSTED)
    assert not AuditEntry.objects.exists()


def test_roles_that_follow_from_the_account_are_refused_and_not_recorded(db):
    admin, person = UserFactory(roles=[Role.ADMINISTRATOR]), UserFactory()
    for role in (Role.CONTRIBUTOR, Role.VISITOR):
        with pytest.raises(ValueError):
            grant(person, role, by=admin)
    assert not AuditEntry.objects.exists()


# --- The user admin ----------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=[Role.ADMINISTRATOR], profile__display_name="Alice Admin")


def change_user(client, admin_user, person, **changes):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def group_id(role):
    return str(Group.objects.get(name=GROUP_ROLES[role]).pk)


def test_groups_and_administrator_flag_changed_in_the_admin_are_recorded(client, admin_user):
    person = UserFactory(roles=[Role.TRUSTED])
    change_user(client, admin_user, person, groups=[group_id(Role.EDITOR), group_id(Role.MODERATOR)],
                is_superuser="on")
    assert log_of(person) == [
        ("role.granted", admin_user.pk, {"role": "administrator"}),
        ("role.granted", admin_user.pk, {"role": "editor"}),
        ("role.granted", admin_user.pk, {"role": "moderator"}),
        ("role.revoked", admin_user.pk, {"role": "trusted"}),
    ]


def test_saving_an_account_without_changing_its_rights_records_nothing(client, admin_user):
    person = UserFactory(roles=[Role.EDITOR], scopes=[])
    change_user(client, admin_user, person, first_name="Camille")
    assert User.objects.get(pk=person.pk).first_name == "Camille"
    assert log_of(person) == []


def test_editor_territories_added_and_removed_in_the_user_admin_are_recorded(client, admin_user, territories):
    person = UserFactory(roles=[Role.EDITOR], scopes=["quimper"])
    scope = EditorScope.objects.get(user=person)
    change_user(client, admin_user, person, **{
        "editor_scopes-TOTAL_FORMS": "2",
        "editor_scopes-0-DELETE": "on",
        "editor_scopes-1-territory": str(territories["pays-de-brest"].pk),
        "editor_scopes-1-user": str(person.pk),
    })
    assert list(EditorScope.objects.filter(user=person).values_list("territory__slug", flat=True)) == [
        "pays-de-brest"]
    assert not EditorScope.objects.filter(pk=scope.pk).exists()
    assert sorted(log_of(person)) == [
        ("scope.added", admin_user.pk, {"territory": "pays-de-brest", "territory_name": "Pays de Brest"}),
        ("scope.removed", admin_user.pk, {"territory": "quimper", "territory_name": "Quimper"}),
    ]


def test_deactivating_an_account_in_the_admin_is_recorded(client, admin_user):
    person = UserFactory()
    change_user(client, admin_user, person, is_active=None)
    change_user(client, admin_user, person, is_active="on")
    assert [action for action, _actor, _data in log_of(person)] == ["account.deactivated", "account.reactivated"]


def test_an_account_added_in_the_admin_records_nothing_until_it_gets_a_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "nouvelle@example.org", "usable_password": "false",
        "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0",
        "editor_scopes-TOTAL_FORMS": "0", "editor_scopes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@example.org").exists()
    assert not AuditEntry.objects.exists()


def test_the_editor_scope_admin_records_additions_changes_and_removals(client, admin_user, territories):
    person = UserFactory(roles=[Role.EDITOR])
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_editorscope_add"), {
        "user": person.pk, "territory": territories["brest"].pk})
    assert response.status_code == 302
    scope = EditorScope.objects.get(user=person)
    response = client.post(reverse("admin:accounts_editorscope_change", args=[scope.pk]), {
        "user": person.pk, "territory": territories["quimper"].pk})
    assert response.status_code == 302
    response = client.post(reverse("admin:accounts_editorscope_delete", args=[scope.pk]), {"post": "yes"})
    assert response.status_code == 302 and not EditorScope.objects.exists()
    assert [(action, data["territory"]) for action, _actor, data in log_of(person)] == [
        ("scope.added", "brest"), ("scope.removed", "brest"), ("scope.added", "quimper"), ("scope.removed", "quimper"),
    ]
    assert {actor for _action, actor, _data in log_of(person)} == {admin_user.pk}


def test_deleting_scopes_in_bulk_is_recorded(client, admin_user, territories):
    person = UserFactory(roles=[Role.EDITOR], scopes=["brest", "quimper"])
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_editorscope_changelist"), {
        "action": "delete_selected", "post": "yes",
        "_selected_action": list(EditorScope.objects.values_list("pk", flat=True)),
    })
    assert response.status_code == 302 and not EditorScope.objects.exists()
    assert sorted(data["territory"] for action, _actor, data in log_of(person) if action == "scope.removed") == [
        "brest", "quimper"]


def test_deleting_an_account_in_the_admin_anonymises_it_and_records_the_rights_it_held(client, admin_user, territories):
    person = UserFactory(roles=[Role.EDITOR, Role.TRUSTED], scopes=["brest"], profile__display_name="Partant")
    client.force_login(admin_user)
    # No real deletion (authorships would go with the row): the admin's action anonymises.
    assert client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "anonymise_accounts", "_selected_action": [person.pk]})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active and person.email.endswith("@invalid")
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor == admin_user and entry.target_repr == "Partant"
    assert entry.data["roles"] == ["editor", "trusted"] and entry.data["territories"] == ["brest"]
    assert entry.data["by_self"] is False
