"""Personas of the notification tests: a published fiche in Brest, its author, an editor, followers.

`tasks_now` makes the task queue run each task as soon as it is enqueued (django.tasks'
ImmediateBackend) and fails the test if one of them raised; `commit()` runs the on-commit callbacks
a test transaction holds back (where notify() enqueues its fan-out), including those they add.
"""

import pytest
from django.db import connection

from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from creative.notifications.models import Follow, NotificationSettings
from tests.factories import InnovationFactory, ThemeFactory, UserFactory


def commit():
    """Run the callbacks waiting for the (test) transaction to commit, and those they register."""
    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


@pytest.fixture
def tasks_now(settings):
    from django.tasks import TaskResultStatus
    from django.tasks.signals import task_finished

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    failures = []

    def check(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(check, dispatch_uid="notifications-tests")
    yield
    task_finished.disconnect(dispatch_uid="notifications-tests")
    assert not failures, failures[0]


@pytest.fixture(autouse=True)
def _quiet_antispam(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.ANTISPAM_RATE_LIMITS = {}
    settings.ANTISPAM_CHECKER = ""
    settings.MODERATION_PREMODERATE_NEW = False


def person(name, email=None, frequency=None, **kwargs):
    if email:
        kwargs["email"] = email
    user = UserFactory(profile__display_name=name, **kwargs)
    if frequency:
        NotificationSettings.objects.create(user=user, frequency=frequency)
    return user


def follow(user, obj):
    from creative.notifications import services

    kind, _pk = services.target_of(obj)
    target = obj.user if kind == "person" and hasattr(obj, "user_id") else obj
    return Follow.objects.create(user=user, target=kind, **{kind: target})


@pytest.fixture
def author(territories):
    return person("Maëlle Autrice", "autrice@example.org")


@pytest.fixture
def editor(territories):
    return person("Yann Accompagnateur", "editeur@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"])


@pytest.fixture
def reader(territories):
    return person("Gwen Lectrice", "lectrice@example.org")


@pytest.fixture
def theme(db):
    return ThemeFactory(slug="numerique", name="Numérique")


@pytest.fixture
def fiche(author, theme):
    fiche = InnovationFactory(title="Repair café du Bellevue", communes=["Brest"], themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche


@pytest.fixture
def draft(author, theme):
    fiche = InnovationFactory(title="Brouillon secret", communes=["Brest"], themes=["numerique"],
                              state=Innovation.State.SUBMITTED)
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche
