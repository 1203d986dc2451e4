"""Form traps: the honeypot and the signed opening time, on a small form and on the site's forms."""

import re

import pytest
from django import forms
from django.urls import reverse

from creative.accounts.models import User
from creative.antispam.forms import HONEYPOT_FIELD, OPENED_FIELD, REFUSED, SpamTrapFormMixin, issue_token
from creative.editorial.models import ReviewMessage
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory

from .helpers import opened_at, page_text


class NoteForm(SpamTrapFormMixin, forms.Form):
    text = forms.CharField()


class OtherForm(SpamTrapFormMixin, forms.Form):
    text = forms.CharField()


def token_of(form):
    """The opening time as the page renders it for `form`."""
    return re.search(r'value="([^"]+)"', str(form[OPENED_FIELD])).group(1)


def posted(token, text="Bonjour, je voudrais participer au repair café.", **extra):
    return {"text": text, OPENED_FIELD: token, HONEYPOT_FIELD: "", **extra}


# The form mixin ---------------------------------------------------------------------------------

def test_a_person_who_takes_a_few_seconds_passes(traps_on):
    token = token_of(NoteForm())
    traps_on.advance(8)
    form = NoteForm(posted(token))
    assert form.is_valid(), form.errors
    assert HONEYPOT_FIELD not in form.changed_data and OPENED_FIELD not in form.changed_data


def test_a_filled_honeypot_is_refused_and_the_text_is_kept(traps_on):
    token = token_of(NoteForm())
    traps_on.advance(30)
    form = NoteForm(posted(token, **{HONEYPOT_FIELD: "https://casino.example"}))
    assert not form.is_valid()
    assert form.non_field_errors() == [str(REFUSED)]
    assert form["text"].value() == "Bonjour, je voudrais participer au repair café."
    assert "casino" not in str(form[HONEYPOT_FIELD])  # shown empty again: a person can send again


def test_a_form_sent_back_too_fast_is_refused_then_accepted_a_moment_later(traps_on):
    token = token_of(NoteForm())
    traps_on.advance(1)
    refused = NoteForm(posted(token))
    assert not refused.is_valid() and refused.non_field_errors() == [str(REFUSED)]
    # Shown again with the original opening time: the second try is not "too fast" once more.
    assert token_of(refused) == token
    traps_on.advance(3)
    assert NoteForm(posted(token_of(refused))).is_valid()


@pytest.mark.parametrize("alter", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature
    lambda token: "1" + token,  # the time
    lambda token: "",  # missing
    lambda token: "n'importe quoi",
])
def test_an_altered_or_missing_opening_time_is_refused(traps_on, alter):
    token = token_of(NoteForm())
    traps_on.advance(60)
    form = NoteForm(posted(alter(token)))
    assert not form.is_valid() and form.non_field_errors() == [str(REFUSED)]
    assert form["text"].value() == "Bonjour, je voudrais participer au repair café."
    fresh = token_of(form)  # a new, valid opening time replaces the bad one
    assert fresh != alter(token)
    traps_on.advance(5)
    assert NoteForm(posted(fresh)).is_valid()


def test_an_opening_time_signed_for_another_form_is_refused(traps_on):
    token = token_of(OtherForm())
    traps_on.advance(60)
    assert not NoteForm(posted(token)).is_valid()


def test_a_form_older_than_a_day_is_refused_and_gets_a_new_time(traps_on):
    token = token_of(NoteForm())
    traps_on.advance(25 * 3600)
    form = NoteForm(posted(token))
    assert not form.is_valid()
    fresh = token_of(form)
    assert fresh != token
    traps_on.advance(10)
    assert NoteForm(posted(fresh)).is_valid()


def test_zero_seconds_turns_the_time_check_off_but_not_the_honeypot(settings, clock):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    assert NoteForm({"text": "Bonjour"}).is_valid()
    assert not NoteForm({"text": "Bonjour", HONEYPOT_FIELD: "x"}).is_valid()


def test_the_setting_is_read_at_each_request(settings, clock):
    token = issue_token(NoteForm().spam_trap_salt)
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    assert not NoteForm(posted(token)).is_valid()
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    assert NoteForm(posted(token)).is_valid()


def test_the_trap_is_rendered_with_the_hidden_fields_accessibly_and_without_inline_style(clock):
    form = NoteForm()
    assert [f.name for f in form.visible_fields()] == ["text"]
    assert {f.name for f in form.hidden_fields()} == {HONEYPOT_FIELD, OPENED_FIELD}
    html = str(form[HONEYPOT_FIELD])
    assert 'class="spam-trap" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html and 'type="text"' in html
    assert "Ne remplissez pas ce champ" in html and f'for="id_{HONEYPOT_FIELD}"' in html
    assert "style=" not in html and "display" not in html


# The site's forms ------------------------------------------------------------------------------------

SIGN_UP = {
    "display_name": "Gwenaëlle Le Bihan",
    "email": "gwenaelle@example.org",
    "password1": "un mot de passe assez long",
    "password2": "un mot de passe assez long",
}


@pytest.mark.django_db
def test_sign_up_with_a_filled_honeypot_creates_nothing_and_keeps_what_was_typed(client, traps_on):
    page = client.get(reverse("account_signup"))
    assert 'name="homepage"' in page.text and 'aria-hidden="true"' in page.text
    traps_on.advance(20)
    response = client.post(reverse("account_signup"), {
        **SIGN_UP, OPENED_FIELD: opened_at(page), HONEYPOT_FIELD: "http://seo.example",
    })
    assert response.status_code == 200
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    assert 'value="Gwenaëlle Le Bihan"' in response.text and 'value="gwenaelle@example.org"' in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_too_fast_is_refused_then_a_person_signs_up(client, traps_on):
    page = client.get(reverse("account_signup"))
    traps_on.advance(1)
    response = client.post(reverse("account_signup"), {**SIGN_UP, OPENED_FIELD: opened_at(page)})
    assert response.status_code == 200 and not User.objects.exists()
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    traps_on.advance(5)
    response = client.post(reverse("account_signup"), {**SIGN_UP, OPENED_FIELD: opened_at(response)})
    assert response.status_code == 302
    assert User.objects.get().profile.display_name == "Gwenaëlle Le Bihan"


@pytest.mark.django_db
def test_profile_with_an_altered_opening_time_is_refused_with_input_kept(client, territories, traps_on):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:profile_edit")
    page = client.get(url)
    traps_on.advance(30)
    response = client.post(url, {"display_name": "Youenn", "bio": "J'anime le jardin partagé de Kerinou.",
                                 OPENED_FIELD: opened_at(page) + "x"})
    assert response.status_code == 200
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    assert "J'anime le jardin partagé de Kerinou." in page_text(response)
    user.profile.refresh_from_db()
    assert user.profile.bio == ""
    traps_on.advance(5)
    response = client.post(url, {"display_name": "Youenn", "bio": "J'anime le jardin partagé de Kerinou.",
                                 OPENED_FIELD: opened_at(response)})
    assert response.status_code == 302


@pytest.mark.django_db
def test_creating_a_fiche_too_fast_is_refused_then_saved(client, territories, traps_on):
    client.force_login(UserFactory())
    url = reverse("editorial:create")
    page = client.get(url)
    data = {"title": "Repair café de Bellevue", "status": "en-cours", "links-TOTAL_FORMS": "1",
            "links-INITIAL_FORMS": "0", "action": "save"}
    traps_on.advance(2)
    response = client.post(url, {**data, OPENED_FIELD: opened_at(page)})
    assert response.status_code == 200 and not Innovation.objects.exists()
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    assert 'value="Repair café de Bellevue"' in response.text
    traps_on.advance(2)
    response = client.post(url, {**data, OPENED_FIELD: opened_at(response)})
    assert response.status_code == 302 and Innovation.objects.get().title == "Repair café de Bellevue"


@pytest.fixture
def draft(territories):
    author = UserFactory()
    fiche = InnovationFactory(state=Innovation.State.DRAFT, communes=["Brest"])
    Authorship.objects.create(innovation=fiche, user=author, is_creator=True)
    return fiche, author


@pytest.mark.django_db
def test_a_review_message_with_a_filled_honeypot_is_refused_and_kept(client, draft, traps_on):
    fiche, author = draft
    client.force_login(author)
    page = client.get(reverse("editorial:review", args=[fiche.pk]))
    traps_on.advance(20)
    response = client.post(reverse("editorial:comment", args=[fiche.pk]), {
        "message-body": "Voici la nouvelle version du texte.", "message-opened_at": opened_at(page, "message"),
        "message-homepage": "https://backlinks.example",
    })
    assert response.status_code == 400 and not ReviewMessage.objects.filter(innovation=fiche).exists()
    assert "Votre envoi n'a pas pu être vérifié" in page_text(response)
    assert "Voici la nouvelle version du texte." in response.text


@pytest.mark.django_db
def test_a_suggestion_sent_too_fast_is_refused(client, draft, traps_on):
    from creative.accounts.roles import Role

    fiche, _author = draft
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"])
    client.force_login(editor)
    page = client.get(reverse("editorial:review", args=[fiche.pk]))
    data = {"suggestion-target": "pitch", "suggestion-proposed": "Un atelier où l'on répare ensemble.",
            "suggestion-opened_at": opened_at(page, "suggestion")}
    traps_on.advance(1)
    response = client.post(reverse("editorial:suggest", args=[fiche.pk]), data)
    assert response.status_code == 400 and not fiche.suggestions.exists()
    traps_on.advance(5)
    response = client.post(reverse("editorial:suggest", args=[fiche.pk]), data)
    assert response.status_code == 302 and fiche.suggestions.count() == 1


def test_forms_laid_out_by_hand_include_the_trap(clock):
    from django.template import Context, Template

    html = Template('{% include "antispam/_trap.html" with form=form %}').render(Context({"form": NoteForm()}))
    assert 'name="homepage"' in html and 'name="opened_at"' in html and 'name="text"' not in html
