"""Rate limits: the notation, counting per address and per account, the 429 page, windows."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from creative.accounts.roles import Role
from creative.antispam.limits import DEFAULT_RATE_LIMITS, Rule, parse_rate_limits, parse_rules
from creative.antispam.ratelimit import RateLimited, client_ip, hit, rules_for
from creative.editorial.models import ReviewMessage
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

from .helpers import page_text

HOUR = 3600


# The notation -----------------------------------------------------------------------------------

def test_rules_use_the_notation_of_account_rate_limits():
    assert parse_rules("10/h/user, 30/h,5/15m/ip, 2/d") == (
        Rule(10, HOUR, "user"), Rule(30, HOUR, "ip"), Rule(5, 900, "ip"), Rule(2, 86400, "ip"),
    )


def test_the_variable_names_only_the_actions_it_changes():
    assert parse_rate_limits("comment=10/h/user,30/h; contact=5/d") == {
        "comment": (Rule(10, HOUR, "user"), Rule(30, HOUR, "ip")),
        "contact": (Rule(5, 86400, "ip"),),
    }
    assert parse_rate_limits("") == {}
    assert parse_rate_limits("report=") == {"report": ()}  # that action has no limit
    assert parse_rate_limits(" OFF ") is False


@pytest.mark.parametrize("raw", ["comment=10/h/key", "comment=ten/h", "comment=10/w", "comment=10/0h", "comment",
                                 "comments=10/h"])
def test_a_bad_value_stops_start_up_naming_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="ANTISPAM_RATE_LIMITS"):
        parse_rate_limits(raw)


def test_settings_win_over_the_views_limits_which_win_over_the_defaults(settings):
    assert rules_for("comment") == parse_rules(DEFAULT_RATE_LIMITS["comment"])
    assert rules_for("comment", per_user="3/h") == (Rule(3, HOUR, "user"),)
    settings.ANTISPAM_RATE_LIMITS = "comment=7/m"
    assert rules_for("comment", per_user="3/h") == (Rule(7, 60, "ip"),)
    settings.ANTISPAM_RATE_LIMITS = False
    assert rules_for("comment") == ()
    settings.ANTISPAM_RATE_LIMITS = {}
    with pytest.raises(KeyError):
        rules_for("newsletter")


def test_every_action_has_defaults_ready():
    assert {"contribution", "comment", "report", "contact", "profile"} <= set(DEFAULT_RATE_LIMITS)


# Who is counted ---------------------------------------------------------------------------------

def _request(remote="203.0.113.7", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **meta)


def test_the_address_is_remote_addr_unless_the_site_is_behind_proxies(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="198.51.100.1")) == "203.0.113.7"  # a client's header is ignored
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # BEHIND_PROXY=1
    assert client_ip(_request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request(remote="10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request(remote="10.0.0.2", forwarded="pas une adresse")) == "10.0.0.2"


@pytest.mark.django_db
def test_hit_counts_per_address_and_per_account_separately(clock):
    camille, yann = UserFactory(), UserFactory()
    limits = {"per_ip": "3/h", "per_user": "2/h"}
    hit("comment", ip="203.0.113.7", user=camille, **limits)
    hit("comment", ip="198.51.100.9", user=camille, **limits)
    with pytest.raises(RateLimited) as refused:  # Camille's third, from a third address
        hit("comment", ip="192.0.2.1", user=camille, **limits)
    assert refused.value.rule == Rule(2, HOUR, "user")
    hit("comment", ip="203.0.113.7", user=yann, **limits)  # the first address's second
    hit("comment", ip="203.0.113.7", **limits)  # a visitor there: the address's third
    with pytest.raises(RateLimited) as refused:
        hit("comment", ip="203.0.113.7", user=UserFactory(), **limits)
    assert refused.value.rule == Rule(3, HOUR, "ip")


def test_ipv6_clients_are_counted_per_network(clock):
    limits = {"per_ip": "1/h"}
    hit("contact", ip="2001:db8:1:2::10", **limits)
    with pytest.raises(RateLimited):
        hit("contact", ip="2001:db8:1:2:aaaa::99", **limits)  # the same /64
    hit("contact", ip="2001:db8:1:3::10", **limits)


def test_a_window_resets_when_its_period_ends(clock):
    hit("report", ip="203.0.113.7", per_ip="1/h")
    with pytest.raises(RateLimited) as refused:
        hit("report", ip="203.0.113.7", per_ip="1/h")
    clock.advance(refused.value.retry_after - 1)
    with pytest.raises(RateLimited):
        hit("report", ip="203.0.113.7", per_ip="1/h")
    clock.advance(1)
    hit("report", ip="203.0.113.7", per_ip="1/h")


# The views ------------------------------------------------------------------------------------------

@pytest.fixture
def fiche_and_author(territories):
    author = UserFactory()
    fiche = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche, author


def post_message(client, fiche, text="Voici la nouvelle version.", ip="203.0.113.7"):
    return client.post(reverse("editorial:comment", args=[fiche.pk]), {"message-body": text}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_review_messages_over_the_limit_get_a_french_429_with_retry_after(client, settings, clock, fiche_and_author):
    settings.ANTISPAM_RATE_LIMITS = "comment=2/h/user"
    fiche, author = fiche_and_author
    client.force_login(author)
    assert post_message(client, fiche).status_code == 302
    assert post_message(client, fiche, ip="198.51.100.9").status_code == 302
    response = post_message(client, fiche, "Un troisième message.", ip="192.0.2.1")
    assert response.status_code == 429
    # The clock stands at 17:06:40 (Paris): the hour's window ends at 18:00.
    assert response["Retry-After"] == str(53 * 60 + 20)
    text = page_text(response)
    assert "Trop de tentatives" in text
    assert "Vous avez envoyé beaucoup de messages en peu de temps." in text
    assert "réessayez dans 54 minutes (vers 18 h 00)" in text
    assert ReviewMessage.objects.filter(innovation=fiche, kind=ReviewMessage.Kind.COMMENT).count() == 2
    assert client.get(reverse("editorial:review", args=[fiche.pk])).status_code == 200  # reading is not limited
    clock.advance(int(response["Retry-After"]))
    assert post_message(client, fiche, "Un troisième message.").status_code == 302


@pytest.mark.django_db
def test_review_messages_count_per_address_across_accounts(client, settings, clock, fiche_and_author):
    settings.ANTISPAM_RATE_LIMITS = "comment=2/h/ip"
    fiche, author = fiche_and_author
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    client.force_login(author)
    assert post_message(client, fiche).status_code == 302
    client.force_login(editor)
    assert post_message(client, fiche).status_code == 302
    assert post_message(client, fiche).status_code == 429
    assert post_message(client, fiche, ip="198.51.100.9").status_code == 302  # another address


@pytest.mark.django_db
def test_suggestions_share_the_comment_limit(client, settings, clock, fiche_and_author):
    settings.ANTISPAM_RATE_LIMITS = "comment=1/h/user"
    fiche, _author = fiche_and_author
    client.force_login(UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]))
    url = reverse("editorial:suggest", args=[fiche.pk])
    data = {"suggestion-target": "pitch", "suggestion-proposed": "Un atelier où l'on répare ensemble."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429


@pytest.mark.django_db
def test_editor_saves_count_previews_do_not(client, settings, clock, territories):
    settings.ANTISPAM_RATE_LIMITS = "contribution=2/h/user"
    client.force_login(UserFactory())
    url = reverse("editorial:create")
    data = {"title": "Atelier vélo", "status": "en-cours", "links-TOTAL_FORMS": "1", "links-INITIAL_FORMS": "0"}
    for _ in range(3):
        assert client.post(url, {**data, "action": "preview"}).status_code == 200
    assert client.post(url, {**data, "action": "add-links"}).status_code == 200
    assert client.post(url, {**data, "action": "save"}).status_code == 302
    fiche = Innovation.objects.get()
    step = reverse("editorial:edit", args=[fiche.pk, "identite"])
    assert client.post(step, {**data, "meta-base_number": "1", "action": "preview"}).status_code == 200
    assert client.post(step, {**data, "meta-base_number": "1", "action": "save"}).status_code == 302
    response = client.post(step, {**data, "meta-base_number": "2", "action": "save"})
    assert response.status_code == 429 and "modifications de fiches" in page_text(response)


@pytest.mark.django_db
def test_profile_saves_are_limited_per_account(client, settings, clock, territories):
    settings.ANTISPAM_RATE_LIMITS = "profile=1/h/user"
    client.force_login(UserFactory())
    url = reverse("accounts:profile_edit")
    assert client.get(url).status_code == 200
    assert client.post(url, {"display_name": "Youenn"}).status_code == 302
    response = client.post(url, {"display_name": "Youenn Kervella"})
    assert response.status_code == 429 and "Vous avez modifié votre profil" in page_text(response)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_limits_off_let_everything_through(client, settings, clock, fiche_and_author):
    settings.ANTISPAM_RATE_LIMITS = False
    fiche, author = fiche_and_author
    client.force_login(author)
    assert all(post_message(client, fiche, f"Message {n}").status_code == 302 for n in range(25))
