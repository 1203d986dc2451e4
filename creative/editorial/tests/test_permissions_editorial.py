"""The permission matrix of the accompanied writing: every check × every persona × every state.

The personas and one fiche in Brest per state (written by "author", co-signed by "coauthor")
are set up once for the class; each row of the tables becomes its own test
(`test_can_edit_innovation_as_editor_elsewhere`…), comparing the whole row at once.
See creative/accounts/tests/test_permissions.py for the views' matrix.
"""

from django.contrib.auth.models import AnonymousUser
from django.test import TestCase

from creative.accounts import permissions
from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory, load_sample_territories

PERSONAS = (
    "visitor", "unverified", "contributor", "author", "coauthor", "trusted",
    "editor_brest", "editor_elsewhere", "moderator", "administrator",
)

STATES = (
    Innovation.State.DRAFT, Innovation.State.SUBMITTED, Innovation.State.CHANGES_REQUESTED,
    Innovation.State.REJECTED, Innovation.State.PUBLISHED, Innovation.State.ARCHIVED,
)

# check → persona → one character per state, in the order of STATES:
#   draft, submitted, changes requested, rejected, published, archived ("x": allowed, ".": refused).
OBJECT_MATRIX = {
    "can_edit_innovation": {
        "visitor":          "......",
        "unverified":       "......",
        "contributor":      "....x.",
        "author":           "xxx.x.",
        "coauthor":         "xxx.x.",
        "trusted":          "....x.",
        "editor_brest":     "xxxxxx",
        "editor_elsewhere": "....x.",
        "moderator":        "....x.",
        "administrator":    "xxxxxx",
    },
    "can_submit": {
        "visitor":          "......",
        "unverified":       "......",
        "contributor":      "......",
        "author":           "x.x...",
        "coauthor":         "x.x...",
        "trusted":          "......",
        "editor_brest":     "......",
        "editor_elsewhere": "......",
        "moderator":        "......",
        "administrator":    "......",
    },
    "can_read_review": {
        "visitor":          "......",
        "unverified":       "......",
        "contributor":      "......",
        "author":           "xxxxxx",
        "coauthor":         "xxxxxx",
        "trusted":          "......",
        "editor_brest":     "xxxxxx",
        "editor_elsewhere": "......",
        "moderator":        "......",
        "administrator":    "xxxxxx",
    },
    "can_view_unpublished": {
        "visitor":          "......",
        "unverified":       "......",
        "contributor":      "......",
        "author":           "xxxxxx",
        "coauthor":         "xxxxxx",
        "trusted":          "......",
        "editor_brest":     "xxxxxx",
        "editor_elsewhere": "......",
        "moderator":        "xxxxxx",
        "administrator":    "xxxxxx",
    },
    "can_view_history": {
        "visitor":          "....x.",
        "unverified":       "....x.",
        "contributor":      "....x.",
        "author":           "xxxxxx",
        "coauthor":         "xxxxxx",
        "trusted":          "....x.",
        "editor_brest":     "xxxxxx",
        "editor_elsewhere": "....x.",
        "moderator":        "xxxxxx",
        "administrator":    "xxxxxx",
    },
}

# check → one character per persona, in the order of PERSONAS.
#                                 vis unv con aut coa tru edB edE mod adm
USER_MATRIX = {
    "can_use_review_queue": "......xx.x",
    "can_mark_trusted":     "......xx.x",
    "can_read_audit_log":   "......xxxx",
}


class EditorialPermissionMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_sample_territories()
        cls.personas = {
            "visitor": AnonymousUser(),
            "unverified": UserFactory(verified=False),
            "contributor": UserFactory(),
            "author": UserFactory(),
            "coauthor": UserFactory(),
            "trusted": UserFactory(roles=[Role.TRUSTED]),
            "editor_brest": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
            "editor_elsewhere": UserFactory(roles=[Role.EDITOR], scopes=["quimper"]),
            "moderator": UserFactory(roles=[Role.MODERATOR]),
            "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        }
        cls.fiches = {}
        for state in STATES:
            fiche = InnovationFactory(state=state, communes=["Brest"], themes=["numerique"])
            Authorship.objects.create(innovation=fiche, user=cls.personas["author"], is_creator=True)
            Authorship.objects.create(innovation=fiche, user=cls.personas["coauthor"])
            cls.fiches[state] = fiche

    def check_row(self, check, persona, expected):
        user = self.personas[persona]
        actual = "".join("x" if getattr(permissions, check)(user, self.fiches[state]) else "." for state in STATES)
        self.assertEqual(actual, expected, f"{check} as {persona} (draft, submitted, changes, rejected, "
                                           f"published, archived)")

    def check_user(self, check, persona, expected):
        self.assertEqual(getattr(permissions, check)(self.personas[persona]), expected == "x",
                         f"{check} as {persona}")


def _row_test(check, persona, expected):
    def test(self):
        self.check_row(check, persona, expected)

    test.__doc__ = f"{check} as {persona}: {expected}"
    return test


def _user_test(check, persona, expected):
    def test(self):
        self.check_user(check, persona, expected)

    test.__doc__ = f"{check} as {persona}: {expected}"
    return test


for _check, _rows in OBJECT_MATRIX.items():
    assert set(_rows) == set(PERSONAS), _check
    for _persona, _expected in _rows.items():
        setattr(EditorialPermissionMatrix, f"test_{_check}_as_{_persona}", _row_test(_check, _persona, _expected))

for _check, _row in USER_MATRIX.items():
    for _persona, _expected in zip(PERSONAS, _row, strict=True):
        setattr(EditorialPermissionMatrix, f"test_{_check}_as_{_persona}", _user_test(_check, _persona, _expected))


# --- Around the table --------------------------------------------------------------------------


class EdgesOfTheMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_sample_territories()
        cls.draft = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"], themes=["numerique"])
        cls.elsewhere = InnovationFactory(state=Innovation.State.DRAFT, communes=["Quimper"])

    def test_an_author_whose_address_is_not_verified_neither_edits_nor_submits(self):
        author = UserFactory(verified=False)
        Authorship.objects.create(innovation=self.draft, user=author)
        self.assertFalse(permissions.can_edit_innovation(author, self.draft))
        self.assertFalse(permissions.can_submit(author, self.draft))
        self.assertFalse(permissions.can_read_review(author, self.draft))
        # …but still sees their own unfinished fiche.
        self.assertTrue(permissions.can_view_unpublished(author, self.draft))

    def test_a_deactivated_editor_has_no_editorial_right(self):
        editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], is_active=False)
        self.assertFalse(permissions.can_edit_innovation(editor, self.draft))
        self.assertFalse(permissions.can_read_review(editor, self.draft))
        self.assertFalse(permissions.can_view_unpublished(editor, self.draft))
        self.assertFalse(permissions.can_use_review_queue(editor))
        self.assertFalse(permissions.can_read_audit_log(editor))

    def test_a_deactivated_author_keeps_no_right_on_their_draft(self):
        author = UserFactory(is_active=False)
        Authorship.objects.create(innovation=self.draft, user=author)
        self.assertFalse(permissions.can_edit_innovation(author, self.draft))
        self.assertFalse(permissions.can_submit(author, self.draft))

    def test_an_editor_of_a_commune_covers_its_fiches_only(self):
        editor = UserFactory(roles=[Role.EDITOR], scopes=["brest"])
        self.assertTrue(permissions.can_edit_innovation(editor, self.draft))
        self.assertTrue(permissions.can_read_review(editor, self.draft))
        self.assertFalse(permissions.can_view_unpublished(editor, self.elsewhere))

    def test_a_fiche_without_a_place_is_reviewed_by_administrators_only(self):
        nowhere = InnovationFactory(state=Innovation.State.SUBMITTED)
        editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
        self.assertFalse(permissions.can_read_review(editor, nowhere))
        self.assertTrue(permissions.can_read_review(UserFactory(roles=[Role.ADMINISTRATOR]), nowhere))

    def test_an_unsaved_fiche_has_no_author(self):
        self.assertFalse(permissions.is_author(UserFactory(), Innovation(title="Pas encore enregistrée")))
