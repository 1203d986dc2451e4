"""Who reaches which moderation page: every view × every persona, and the read-only admin."""

import pytest
from django.test import TestCase
from django.urls import reverse

from creative.accounts.roles import Role
from creative.comments.models import Comment
from creative.moderation import services
from creative.moderation.models import AccountBlock, ModerationItem, Report, Standing
from tests.factories import InnovationFactory, UserFactory, load_sample_territories

from .helpers import post_report

PERSONAS = ("visitor", "unverified", "contributor", "trusted", "editor", "blocked_moderator", "moderator",
            "administrator")

# view → expected status per persona, in the order of PERSONAS. 302: sent to log in (or, for the
# actions, done and sent back to the queue); a blocked account has a visitor's rights only.
MATRIX = {
    "report_form":        (200, 200, 200, 200, 200, 200, 200, 200),
    "queue":              (302, 403, 403, 403, 403, 403, 200, 200),
    "item":               (302, 403, 403, 403, 403, 403, 200, 200),
    "blocked_accounts":   (302, 403, 403, 403, 403, 403, 200, 200),
    "decide":             (302, 403, 403, 403, 403, 403, 302, 302),
    "block_author":       (302, 403, 403, 403, 403, 403, 302, 302),
    "unblock_author":     (302, 403, 403, 403, 403, 403, 409, 409),  # allowed, but nobody is blocked
    "unblock_from_list":  (302, 403, 403, 403, 403, 403, 302, 302),
    "admin_items":        (302, 302, 302, 302, 403, 302, 200, 200),
    "admin_reports":      (302, 302, 302, 302, 403, 302, 200, 200),
    "admin_blocks":       (302, 302, 302, 302, 403, 302, 200, 200),
    "admin_standings":    (302, 302, 302, 302, 403, 302, 200, 200),
    "admin_add_block":    (302, 302, 302, 302, 403, 302, 403, 403),
    "admin_change_item":  (302, 302, 302, 302, 403, 302, 200, 200),  # shown read-only
}


class PermissionMatrix(TestCase):
    """Personas, a reported comment and a blocked account, set up once; each cell is its own test."""

    @classmethod
    def setUpTestData(cls):
        load_sample_territories()
        blocked_moderator = UserFactory(roles=[Role.MODERATOR])
        cls.personas = {
            "visitor": None,
            "unverified": UserFactory(verified=False),
            "contributor": UserFactory(),
            "trusted": UserFactory(roles=[Role.TRUSTED]),
            "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
            "blocked_moderator": blocked_moderator,
            "moderator": UserFactory(roles=[Role.MODERATOR]),
            "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        }
        services.block(blocked_moderator, cls.personas["administrator"], "Pour le test.")
        cls.someone_blocked = UserFactory()
        services.block(cls.someone_blocked, cls.personas["administrator"], "Pour le test.")
        fiche = InnovationFactory(communes=["Brest"])
        cls.comment = Comment.objects.create(content_object=fiche, author=UserFactory(), body="Un avis.")
        _report, cls.item = services.report(cls.comment, reason="abusive", fingerprint="visitor:test")

    def request(self, view):
        """The request each view is tried with: (method, url, data)."""
        item = self.item
        return {
            "report_form": ("get", reverse("moderation:report", args=["comments.comment", self.comment.pk]), None),
            "queue": ("get", reverse("moderation:queue"), None),
            "item": ("get", reverse("moderation:item", args=[item.pk]), None),
            "blocked_accounts": ("get", reverse("moderation:blocked"), None),
            "decide": ("post", reverse("moderation:decide", args=[item.pk, "masquer"]), {}),
            "block_author": ("post", reverse("moderation:block_author", args=[item.pk]), {"bloquer-reason": "Abus."}),
            "unblock_author": ("post", reverse("moderation:unblock_author", args=[item.pk]), {}),
            "unblock_from_list": ("post", reverse("moderation:unblock", args=[self.someone_blocked.pk]), {}),
            "admin_items": ("get", reverse("admin:moderation_moderationitem_changelist"), None),
            "admin_reports": ("get", reverse("admin:moderation_report_changelist"), None),
            "admin_blocks": ("get", reverse("admin:moderation_accountblock_changelist"), None),
            "admin_standings": ("get", reverse("admin:moderation_standing_changelist"), None),
            "admin_add_block": ("get", reverse("admin:moderation_accountblock_add"), None),
            "admin_change_item": ("get", reverse("admin:moderation_moderationitem_change", args=[item.pk]), None),
        }[view]

    def check_cell(self, view, persona, expected):
        user = self.personas[persona]
        if user is not None:
            self.client.force_login(user)
        method, url, data = self.request(view)
        response = getattr(self.client, method)(url, data) if data is not None else getattr(self.client, method)(url)
        self.assertEqual(response.status_code, expected, f"{view} as {persona}")
        if expected == 302 and persona in ("moderator", "administrator"):
            self.assertIn(response["Location"], (reverse("moderation:queue"), reverse("moderation:blocked")))
        elif expected == 302:
            self.assertIn("login", response["Location"])


def _cell_test(view, persona, expected):
    def test(self):
        self.check_cell(view, persona, expected)

    test.__name__ = f"test_{view}_as_{persona}"
    test.__doc__ = f"{view} as {persona}: {expected}"
    return test


for _view, _statuses in MATRIX.items():
    for _persona, _expected in zip(PERSONAS, _statuses, strict=True):
        setattr(PermissionMatrix, f"test_{_view}_as_{_persona}", _cell_test(_view, _persona, _expected))


@pytest.fixture
def personas(territories):
    return {
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "contributor": UserFactory(),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }


@pytest.fixture
def item(client, comment):
    post_report(client, comment)
    return ModerationItem.objects.get()


@pytest.mark.django_db
def test_a_refused_action_changes_nothing(client, personas, item, comment):
    client.force_login(personas["editor"])
    client.post(reverse("moderation:decide", args=[item.pk, "masquer"]))
    client.post(reverse("moderation:block_author", args=[item.pk]), {"bloquer-reason": "Abus."})
    comment.refresh_from_db()
    assert comment.visibility == "visible"
    assert not AccountBlock.objects.filter(user=comment.author).exists()


@pytest.mark.django_db
def test_the_admin_is_read_only_even_for_administrators(client, personas, item):
    client.force_login(personas["administrator"])
    page = client.get(reverse("admin:moderation_moderationitem_change", args=[item.pk]))
    assert 'name="_save"' not in page.content.decode()
    assert reverse("moderation:item", args=[item.pk]) in client.get(
        reverse("admin:moderation_moderationitem_changelist")).content.decode()
    assert client.post(reverse("admin:moderation_report_delete", args=[Report.objects.get().pk]),
                       {"post": "yes"}).status_code == 403
    assert Report.objects.exists()
    standing = Standing.objects.create(user=personas["contributor"])
    assert client.get(reverse("admin:moderation_standing_change", args=[standing.pk])).status_code == 200
