"""The fan-out through the real task worker, and the person's follows and notifications in their data."""

import pytest
from django.core import mail

from creative.accounts.personal_data import erase_account, export_personal_data
from creative.notifications import services
from creative.notifications.models import Follow, Notification, NotificationSettings
from tests.factories import ThemeFactory
from tests.worker import run_tasks

from .conftest import follow, person


@pytest.mark.django_db(transaction=True)
def test_fan_out_and_instant_mail_run_through_the_real_worker():
    theme = ThemeFactory(slug="theme-du-worker", name="Thème du worker")
    instant = person("Immédiate", "instant@example.org", NotificationSettings.Frequency.INSTANT)
    daily = person("Quotidienne", "daily@example.org")
    actor = person("Actrice", "actrice@example.org")
    for user in (instant, daily, actor):
        follow(user, theme)

    services.notify("new_innovation", "published:42", "Nouvelle fiche : « Cantine bio »", "/innovations/cantine/",
                    actor=actor, follows={"theme": [theme.pk]})
    assert not Notification.objects.exists()  # the request only enqueued the fan-out
    run_tasks()

    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        "instant@example.org", "daily@example.org"}
    [message] = mail.outbox
    assert message.to == ["instant@example.org"] and message.subject == "Nouvelle fiche : « Cantine bio »"
    assert Notification.objects.get(recipient=instant).emailed_at is not None
    assert Notification.objects.get(recipient=daily).emailed_at is None


def test_export_and_erase(territories, fiche, theme):
    me = person("Moi", "moi@example.org", NotificationSettings.Frequency.WEEKLY)
    me.profile.is_public = True
    me.profile.save()
    follow(me, fiche)
    follow(me, theme)
    fan = person("Admiratrice")
    follow(fan, me.profile)  # someone follows my person: gone with my account
    Notification.objects.create(recipient=me, key="k", kind="comment", text="Gwen a commenté « Repair café »",
                                url="/innovations/repair/#commentaire-1")

    data = export_personal_data(me)["notifications"]
    assert data["frequency"] == "weekly"
    assert {(f["kind"], f["name"]) for f in data["follows"]} == {("innovation", "Repair café du Bellevue"),
                                                                 ("theme", "Numérique")}
    [row] = data["notifications"]
    assert row["text"] == "Gwen a commenté « Repair café »"
    assert row["url"].endswith("/innovations/repair/#commentaire-1")

    erase_account(me, anonymous=True)
    assert not Follow.objects.filter(user=me).exists()
    assert not Follow.objects.filter(person=me).exists()
    assert not Notification.objects.filter(recipient=me).exists()
    assert not NotificationSettings.objects.filter(user=me).exists()
    assert Follow.objects.count() == 0
