"""The audit log is append-only: record() writes an entry, nothing changes or deletes one."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from creative.accounts.models import User
from creative.audit import record
from creative.audit.actions import LABELS, grouped_choices, label_of
from creative.audit.models import AppendOnlyError, AuditEntry
from creative.innovations.models import Innovation
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_names_the_actor_the_action_the_object_and_the_data(territories):
    editor = UserFactory(profile__display_name="Anne Accompagnatrice")
    fiche = InnovationFactory(title="Repair café de Recouvrance", communes=["Brest"])

    entry = record(editor, "innovation.published", fiche, reason="Complète", when=datetime.date(2026, 11, 28))

    entry.refresh_from_db()
    assert entry.actor == editor and entry.actor_name == "Anne Accompagnatrice"
    assert entry.action == "innovation.published" and entry.label == "fiche publiée"
    assert entry.target_type == ContentType.objects.get_for_model(Innovation)
    assert entry.target_id == str(fiche.pk) and entry.target_repr == "Repair café de Recouvrance"
    assert entry.data == {"reason": "Complète", "when": "2026-11-28"}  # dates stored as JSON text
    assert list(AuditEntry.objects.for_object(fiche)) == [entry]


def test_an_entry_of_the_platform_has_no_actor(territories):
    fiche = InnovationFactory()
    for actor in (None, AnonymousUser()):
        entry = record(actor, "role.granted", fiche)
        assert entry.actor is None and entry.actor_name == ""


def test_an_entry_may_have_no_object(db):
    entry = record(UserFactory(), "site.maintenance")
    assert entry.target_type is None and entry.target_id == "" and entry.target_repr == ""
    assert entry.label == "site.maintenance"  # unknown actions show as written


def test_the_actors_name_is_the_public_name_never_the_address(db):
    user = UserFactory(email="camille.secret@example.org", profile__display_name="Camille")
    entry = record(user, "innovation.created")
    assert entry.actor_name == "Camille" and "example.org" not in str(entry)
    no_profile = UserFactory(profile=None)
    assert record(no_profile, "innovation.created").actor_name == f"Membre n° {no_profile.pk}"


def test_long_texts_are_cut_to_their_columns(db):
    user = UserFactory(profile__display_name="N" * 80)
    fiche = Innovation(pk=10**6, title="T" * 300)
    entry = record(user, "innovation.created", fiche)
    assert len(entry.target_repr) == 255 and entry.target_id == str(10**6)


def test_an_entry_outlives_its_actor_and_its_object(territories):
    user = UserFactory(profile__display_name="Partie depuis")
    fiche = InnovationFactory(title="Fiche supprimée depuis")
    entry = record(user, "innovation.published", fiche)
    user_pk = user.pk
    fiche.delete()
    User.objects.filter(pk=user_pk).delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == user_pk and entry.actor_name == "Partie depuis"
    assert entry.target_repr == "Fiche supprimée depuis"


def test_a_stored_entry_cannot_be_changed(db):
    entry = record(UserFactory(), "innovation.created")
    entry.action = "innovation.deleted"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="innovation.deleted")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(data={})
    assert AuditEntry.objects.get(pk=entry.pk).action == "innovation.created"


def test_a_stored_entry_cannot_be_deleted(db):
    entry = record(UserFactory(), "innovation.created")
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_are_listed_newest_first(db):
    user = UserFactory()
    first = record(user, "innovation.created")
    second = record(user, "innovation.submitted")
    assert list(AuditEntry.objects.all()[:2]) == [second, first]


def test_every_known_action_has_a_label_and_a_group():
    grouped = [action for _group, choices in grouped_choices() for action, _label in choices]
    assert grouped == list(LABELS)
    assert all(group != "Autres" for group, _choices in grouped_choices())
    assert label_of("role.granted") == "rôle accordé"
