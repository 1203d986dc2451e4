"""The permission matrix: every non-public view, for every persona.

The personas and a draft fiche in Brest are set up once for the class; each cell of
the table becomes its own test (`test_draft_preview_as_editor_elsewhere`…).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from creative.accounts import permissions
from creative.accounts.models import User
from creative.accounts.roles import GROUP_ROLES, ROLE_PERMISSIONS, Role, grant, revoke, roles_of, sync_role_groups
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory, UserFactory, load_sample_territories

PERSONAS = (
    "visitor", "unverified", "contributor", "trusted",
    "editor_brest", "editor_elsewhere", "moderator", "administrator",
)

# view name → expected status for each persona, in the order of PERSONAS.
# 302 from a view means "go and sign in"; the admin sends everyone it refuses to its login page.
MATRIX = {
    "profile_edit":        (302, 403, 200, 200, 200, 200, 200, 200),
    "draft_preview":       (404, 404, 404, 404, 200, 404, 200, 200),
    "admin_index":         (302, 302, 302, 302, 200, 200, 200, 200),
    "admin_draft_change":  (302, 302, 302, 302, 200, 302, 200, 200),
    "admin_accounts":      (302, 302, 302, 302, 403, 403, 200, 200),
    "admin_editor_scopes": (302, 302, 302, 302, 403, 403, 403, 200),
    "my_fiches":           (302, 403, 200, 200, 200, 200, 200, 200),
    "create_fiche":        (302, 403, 200, 200, 200, 200, 200, 200),
    "draft_edit":          (302, 403, 403, 403, 200, 403, 403, 200),
    "draft_review":        (302, 403, 403, 403, 200, 403, 403, 200),
    "draft_history":       (404, 404, 404, 404, 200, 404, 200, 200),
    "review_queue":        (302, 403, 403, 403, 200, 200, 403, 200),
    "audit_log":           (302, 403, 403, 403, 200, 200, 200, 200),
    "personal_data":       (302, 200, 200, 200, 200, 200, 200, 200),
    "delete_account":      (302, 200, 200, 200, 200, 200, 200, 200),
    "admin_legal_pages":   (302, 302, 302, 302, 403, 403, 403, 200),
}


class PermissionMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_sample_territories()
        cls.personas = {
            "visitor": None,
            "unverified": UserFactory(verified=False),
            "contributor": UserFactory(),
            "trusted": UserFactory(roles=[Role.TRUSTED]),
            "editor_brest": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
            "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
            "moderator": UserFactory(roles=[Role.MODERATOR]),
            "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        }
        cls.draft = InnovationFactory(title="Brouillon à Brest", state=Innovation.State.DRAFT, communes=["Brest"])

    def url(self, view):
        return {
            "profile_edit": reverse("accounts:profile_edit"),
            "draft_preview": self.draft.get_absolute_url(),
            "admin_index": reverse("admin:index"),
            "admin_draft_change": reverse("admin:innovations_innovation_change", args=[self.draft.pk]),
            "admin_accounts": reverse("admin:accounts_user_changelist"),
            "admin_editor_scopes": reverse("admin:accounts_editorscope_add"),
            "my_fiches": reverse("editorial:my_fiches"),
            "create_fiche": reverse("editorial:create"),
            "draft_edit": reverse("editorial:edit", args=[self.draft.pk, "identite"]),
            "draft_review": reverse("editorial:review", args=[self.draft.pk]),
            "draft_history": reverse("editorial:history", args=[self.draft.slug]),
            "review_queue": reverse("editorial:queue"),
            "audit_log": reverse("audit:log"),
            "personal_data": reverse("accounts:personal_data"),
            "delete_account": reverse("accounts:delete_account"),
            "admin_legal_pages": reverse("admin:legal_legalpage_changelist"),
        }[view]

    def check_cell(self, view, persona, expected):
        user = self.personas[persona]
        if user is not None:
            self.client.force_login(user)
        response = self.client.get(self.url(view))
        self.assertEqual(response.status_code, expected, f"{view} as {persona}")
        if expected == 302:
            # Sent to sign in — except an editor opening another territory's fiche in the
            # admin, who is sent back to the admin index ("this object does not exist").
            outside_scope = (view, persona) == ("admin_draft_change", "editor_elsewhere")
            self.assertEqual("login" in response["Location"], not outside_scope, response["Location"])


def _cell_test(view, persona, expected):
    def test(self):
        self.check_cell(view, persona, expected)

    test.__name__ = f"test_{view}_as_{persona}"
    test.__doc__ = f"{view} as {persona}: {expected}"
    return test


for _view, _statuses in MATRIX.items():
    for _persona, _expected in zip(PERSONAS, _statuses, strict=True):
        setattr(PermissionMatrix, f"test_{_view}_as_{_persona}", _cell_test(_view, _persona, _expected))


# --- the rules behind the table -----------------------------------------------------------


def test_roles_are_groups_with_the_permissions_of_roles_py(db):
    for role, name in GROUP_ROLES.items():
        group = Group.objects.get(name=name)
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert codes == set(ROLE_PERMISSIONS[role])
    group = Group.objects.get(name=GROUP_ROLES[Role.EDITOR])
    group.permissions.clear()  # someone edits a group by hand…
    sync_role_groups()  # …the next migrate puts it back
    assert group.permissions.count() == len(ROLE_PERMISSIONS[Role.EDITOR])


def test_an_editor_covers_the_territories_inside_their_scope(territories):
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    assert permissions.covers_territory(editor, territories["brest"])
    assert permissions.covers_territory(editor, territories["pays-de-brest"])
    assert not permissions.covers_territory(editor, territories["quimper"])
    assert not permissions.covers_territory(editor, territories["finistere"])  # above the scope


def test_an_editor_reviews_only_the_fiches_of_their_territories(territories):
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    in_brest = InnovationFactory(communes=["Brest"])
    in_quimper = InnovationFactory(communes=["Quimper"])
    nowhere = InnovationFactory()
    assert permissions.can_review(editor, in_brest)
    assert not permissions.can_review(editor, in_quimper)
    assert not permissions.can_review(editor, nowhere)
    assert list(permissions.innovations_in_scope(editor, Innovation.objects.all())) == [in_brest]


def test_a_scope_without_the_editor_role_gives_nothing(territories):
    former_editor = UserFactory(scopes=["pays-de-brest"])
    assert not permissions.can_review(former_editor, InnovationFactory(communes=["Brest"]))


def test_granting_and_revoking_a_role(territories):
    person = UserFactory()
    assert roles_of(person) == {Role.VISITOR, Role.CONTRIBUTOR}
    grant(person, Role.MODERATOR)
    assert permissions.can_moderate(person) and person.is_staff
    revoke(person, Role.MODERATOR)
    assert not permissions.can_moderate(person) and not person.is_staff
    with pytest.raises(ValueError):
        grant(person, Role.CONTRIBUTOR)  # follows from the verified address


def test_a_deactivated_account_has_no_role(territories):
    banned = UserFactory(roles=[Role.EDITOR, Role.ADMINISTRATOR], scopes=["pays-de-brest"], is_active=False)
    assert roles_of(banned) == {Role.VISITOR}
    assert not permissions.can_contribute(banned) and not banned.is_staff


def test_the_admin_login_form_takes_an_email_and_refuses_contributors(client, territories):
    UserFactory(email="editrice@example.org", password="un mot de passe solide", roles=[Role.EDITOR])
    UserFactory(email="contributeur@example.org", password="un mot de passe solide")
    response = client.post("/admin/login/", {"username": "Editrice@Example.org", "password": "un mot de passe solide"})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200
    client.logout()
    response = client.post("/admin/login/", {"username": "contributeur@example.org",
                                             "password": "un mot de passe solide"})
    assert response.status_code == 200 and client.get("/admin/").status_code == 302


def test_only_administrators_grant_roles_in_the_admin(client, territories):
    moderator = UserFactory(roles=[Role.MODERATOR])
    someone = UserFactory()
    client.force_login(moderator)
    content = client.get(reverse("admin:accounts_user_change", args=[someone.pk])).content.decode()
    assert 'name="groups"' not in content and 'name="is_superuser"' not in content
    assert client.post(reverse("admin:accounts_user_change", args=[someone.pk]), {}).status_code == 403



def test_an_unverified_account_is_told_to_confirm_its_address(client, db):
    client.force_login(UserFactory(verified=False))
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 403
    assert "Confirmez d&#x27;abord votre adresse électronique" in response.content.decode()


def test_createsuperuser_makes_an_administrator_who_signs_in_by_email(db):
    call_command("createsuperuser", interactive=False, email="Admin@Example.org", verbosity=0)
    admin = User.objects.get()
    assert admin.email == "admin@example.org" and admin.is_staff and permissions.can_manage_roles(admin)
    assert str(admin) == f"Membre n° {admin.pk}"  # no profile yet: never the address
