"""Mail: « instant » one by one, daily and weekly digests (one mail listing everything), never, and no repeats."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from creative.notifications import delivery, services
from creative.notifications.models import Notification, NotificationSettings

from .conftest import commit, follow, person

Frequency = NotificationSettings.Frequency
Kind = Notification.Kind


def note(user, key, text="Nouvelle fiche : « Jardin partagé »", kind=Kind.NEW_INNOVATION, url="/innovations/jardin/",
         **fields):
    return Notification.objects.create(recipient=user, key=key, text=text, kind=kind, url=url,
                                       reason="Vous suivez le thème Numérique.", **fields)


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def people(db):
    return {
        "instant": person("Immédiate", "instant@example.org", Frequency.INSTANT),
        "daily": person("Quotidienne", "daily@example.org"),  # no settings row: the default, daily
        "weekly": person("Hebdo", "weekly@example.org", Frequency.WEEKLY),
        "never": person("Jamais", "never@example.org", Frequency.NEVER),
    }


# Instant ----------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("tasks_now")
def test_instant_people_get_one_mail_per_notification_and_digest_people_none(people, theme):
    for user in people.values():
        follow(user, theme)
    payload = {"kind": "new_innovation", "key": "published:1", "text": "Nouvelle fiche : « Jardin partagé »",
               "url": "/innovations/jardin/", "actor_id": None, "follows": {"theme": [theme.pk]}, "people": [],
               "people_reason": "", "people_url": "", "mailed": []}
    services.notify(**{k: payload[k] for k in ("kind", "key", "text", "url")}, follows={"theme": [theme.pk]})
    commit()

    assert Notification.objects.count() == 4
    [message] = mail.outbox
    assert message.to == ["instant@example.org"]
    assert message.subject == "Nouvelle fiche : « Jardin partagé »"
    assert f"{settings.SITE_URL}/innovations/jardin/" in message.body
    assert "Vous suivez le thème Numérique." in message.body
    assert f"{settings.SITE_URL}/compte/notifications/" in message.body
    html = message.alternatives[0].content
    assert f'href="{settings.SITE_URL}/innovations/jardin/"' in html
    assert Notification.objects.get(recipient=people["instant"]).emailed_at is not None
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3

    # The same event again (a retried task), then the instant task again: nothing more is sent.
    services.fan_out(payload)
    commit()
    delivery.send_instant(Notification.objects.get(recipient=people["instant"]).pk)
    assert len(mail.outbox) == 1


def test_instant_mail_skipped_when_read_inactive_or_no_longer_instant(people):
    read = note(people["instant"], "a", read_at=timezone.now())
    assert delivery.send_instant(read.pk) == 0
    changed = note(people["instant"], "b")
    NotificationSettings.objects.filter(user=people["instant"]).update(frequency=Frequency.DAILY)
    assert delivery.send_instant(changed.pk) == 0
    NotificationSettings.objects.filter(user=people["instant"]).update(frequency=Frequency.INSTANT)
    people["instant"].is_active = False
    people["instant"].save()
    assert delivery.send_instant(changed.pk) == 0
    assert not mail.outbox
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


# Digests ----------------------------------------------------------------------------------------------------

def test_daily_and_weekly_digests_list_everything_in_one_mail_and_never_repeat(people):
    now = timezone.now()
    for user in people.values():
        note(user, "published:1", created_at=now - timedelta(minutes=5))
        note(user, "comment:7", text="Gwen a commenté « Jardin partagé »", kind=Kind.COMMENT,
             url="/innovations/jardin/#commentaire-7", created_at=now - timedelta(minutes=4))
        note(user, "published:2", text="Nouvelle fiche : « Vélo-école »", url="/innovations/velo/",
             created_at=now - timedelta(minutes=3))

    assert delivery.send_digests(now) == (2, 0)
    Notification.objects.filter(recipient=people["instant"]).update(emailed_at=now)  # as their instant mails did
    [daily] = to("daily@example.org")
    [weekly] = to("weekly@example.org")
    assert not to("never@example.org") and not to("instant@example.org")  # instant: recent ones are not caught up
    assert daily.subject == "Votre résumé du jour : 3 nouveautés"
    assert weekly.subject == "Votre résumé de la semaine : 3 nouveautés"
    for text in ("Nouvelle fiche : « Jardin partagé »", "Gwen a commenté « Jardin partagé »",
                 "Nouvelle fiche : « Vélo-école »", f"{settings.SITE_URL}/innovations/velo/"):
        assert text in daily.body
    # Grouped by kind: comments on followed fiches before new fiches; one line each.
    assert daily.body.index("== Nouveau commentaire ==") < daily.body.index("== Nouvelle fiche ==")
    assert daily.body.count("== Nouvelle fiche ==") == 1 and daily.body.count("Vélo-école") == 1
    html = daily.alternatives[0].content
    assert "<h2>Nouvelle fiche</h2>" in html and "<h2>Nouveau commentaire</h2>" in html
    assert f'href="{settings.SITE_URL}/innovations/jardin/#commentaire-7"' in html
    assert not Notification.objects.filter(recipient__in=[people["daily"], people["weekly"]],
                                           emailed_at__isnull=True).exists()
    assert NotificationSettings.objects.get(user=people["daily"]).last_digest_at == now

    # A re-run sends nothing twice.
    mail.outbox.clear()
    assert delivery.send_digests(now) == (0, 0)
    assert delivery.send_digests(now + timedelta(hours=1)) == (0, 0)
    assert not mail.outbox

    # New notifications wait for the next period: a day for daily, a week for weekly.
    note(people["daily"], "published:3", text="Nouvelle fiche : « Compost »", created_at=now + timedelta(hours=2))
    note(people["weekly"], "published:3", text="Nouvelle fiche : « Compost »", created_at=now + timedelta(hours=2))
    assert delivery.send_digests(now + timedelta(hours=3)) == (0, 0)
    assert delivery.send_digests(now + timedelta(hours=24)) == (1, 0)
    [daily] = to("daily@example.org")
    assert daily.subject == "Votre résumé du jour : 1 nouveauté"
    assert "Compost" in daily.body and "Vélo-école" not in daily.body
    assert delivery.send_digests(now + timedelta(days=6)) == (0, 0)
    assert delivery.send_digests(now + timedelta(days=7)) == (1, 0)
    [weekly] = to("weekly@example.org")
    assert "Compost" in weekly.body and "Vélo-école" not in weekly.body


def test_read_notifications_and_inactive_accounts_are_not_mailed(people):
    note(people["daily"], "a", read_at=timezone.now())
    gone = person("Partie", "partie@example.org", is_active=False)
    note(gone, "a")
    assert delivery.send_digests() == (0, 0)
    assert not mail.outbox
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_instant_notifications_missed_for_an_hour_are_caught_up_in_a_digest(people):
    now = timezone.now()
    note(people["instant"], "old", created_at=now - timedelta(hours=2))
    note(people["instant"], "recent", created_at=now - timedelta(minutes=5))
    assert delivery.send_digests(now) == (1, 0)
    [message] = mail.outbox
    assert message.subject == "1 notification en attente"
    assert set(Notification.objects.filter(emailed_at__isnull=True).values_list("key", flat=True)) == {"recent"}


def test_a_failed_digest_is_sent_at_the_next_run(people, monkeypatch):
    note(people["daily"], "a")
    real = delivery.send_templated_mail

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(delivery, "send_templated_mail", broken)
    assert delivery.send_digests() == (0, 1)
    assert Notification.objects.get().emailed_at is None
    assert not NotificationSettings.objects.filter(user=people["daily"], last_digest_at__isnull=False).exists()
    with pytest.raises(CommandError):
        call_command("send_notification_digests", stdout=StringIO())

    monkeypatch.setattr(delivery, "send_templated_mail", real)
    out = StringIO()
    call_command("send_notification_digests", stdout=out)
    assert out.getvalue().strip() == "1 digest(s) sent, 0 failed."
    assert len(mail.outbox) == 1 and Notification.objects.get().emailed_at is not None


def test_a_long_digest_lists_the_latest_and_counts_the_others(people, monkeypatch):
    monkeypatch.setattr(delivery, "DIGEST_MAX_ITEMS", 2)
    now = timezone.now()
    for n in range(5):
        note(people["daily"], f"k{n}", text=f"Nouvelle fiche numéro {n}", created_at=now - timedelta(minutes=10 - n))
    assert delivery.send_digests(now) == (1, 0)
    [message] = mail.outbox
    assert "numéro 4" in message.body and "numéro 3" in message.body and "numéro 2" not in message.body
    assert "Et 3 autres notifications, sur le site." in message.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_due_rules():
    now = timezone.now()
    assert delivery.is_due(Frequency.DAILY, None, now)
    assert delivery.is_due(Frequency.DAILY, now - timedelta(hours=24), now)
    assert delivery.is_due(Frequency.DAILY, now - timedelta(hours=23, minutes=50), now)  # an hourly cron's slack
    assert not delivery.is_due(Frequency.DAILY, now - timedelta(hours=23), now)
    assert not delivery.is_due(Frequency.WEEKLY, now - timedelta(days=6), now)
    assert delivery.is_due(Frequency.WEEKLY, now - timedelta(days=7), now)
    assert not delivery.is_due(Frequency.NEVER, None, now)
    assert not delivery.is_due(Frequency.INSTANT, None, now)
