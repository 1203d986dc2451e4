"""Editorial emails: who receives them (through the real worker), and what they say.

Editors of the fiche's territory hear of submissions, proposals and authors' messages; authors
hear of decisions, suggestions and editors' messages. One message per person, with a text and an
HTML part, the fiche's title, who acted, their message and the link; never anyone's address.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from creative.accounts.roles import Role
from creative.core.mail import render_templated_mail
from creative.editorial import revisions, suggestions
from creative.innovations.models import Authorship, Innovation
from tests.factories import InnovationFactory, UserFactory
from tests.worker import run_tasks

worker_test = pytest.mark.django_db(transaction=True)
State = Innovation.State
TEMPLATES = [
    "editorial_submitted", "editorial_changes_requested", "editorial_published", "editorial_rejected",
    "editorial_comment", "editorial_revision_proposed", "editorial_revision_approved",
    "editorial_revision_declined", "editorial_suggestion",
]


@pytest.fixture
def people(territories):
    """The fiche's two authors, two editors of the pays de Brest and one of Quimper."""
    return {
        "author": UserFactory(email="autrice@example.org", profile__display_name="Maëlle Autrice"),
        "coauthor": UserFactory(email="coauteur@example.org", profile__display_name="Erwan Coauteur"),
        "editor": UserFactory(email="yann@example.org", roles=[Role.EDITOR], scopes=["pays-de-brest"],
                              profile__display_name="Yann Accompagnateur"),
        "editor2": UserFactory(email="soizic@example.org", roles=[Role.EDITOR], scopes=["brest-metropole"]),
        "elsewhere": UserFactory(email="quimper@example.org", roles=[Role.EDITOR], scopes=["quimper"]),
    }


@pytest.fixture
def fiche(people):
    fiche = InnovationFactory(title="Repair café du Bellevue", state=State.DRAFT, communes=["Brest"],
                              themes=["numerique"])
    Authorship.objects.create(innovation=fiche, user=people["author"], is_creator=True)
    Authorship.objects.create(innovation=fiche, user=people["coauthor"])
    return fiche


def post(client, user, url, data=None):
    client.force_login(user)
    response = client.post(url, data or {})
    assert response.status_code == 302, response.content[:500]
    return response


def transition(client, user, fiche, action, message=""):
    return post(client, user, reverse("editorial:transition", args=[fiche.pk, action]), {f"{action}-message": message})


def delivered(mailoutbox):
    """{address: message} after running the worker; each message goes to exactly one person."""
    run_tasks()
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)
    return {m.to[0]: m for m in mailoutbox}


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_says(message, *texts, url):
    html = html_of(message)
    for text in (*texts, url):
        assert text in message.body, text
        assert text in html or text.replace("'", "&#x27;") in html, text
    assert f'href="{url}"' in html


def assert_no_address(message, people):
    for person in people.values():
        assert person.email not in message.body and person.email not in html_of(message)


def review_link(fiche):
    return settings.SITE_URL + reverse("editorial:review", args=[fiche.pk])


@worker_test
def test_a_submission_tells_the_editors_of_the_territory(client, people, fiche, mailoutbox):
    transition(client, people["author"], fiche, "soumettre", "Nous avons ajouté les horaires.")
    sent = delivered(mailoutbox)
    assert set(sent) == {"yann@example.org", "soizic@example.org"}
    message = sent["yann@example.org"]
    assert message.subject == "À relire : « Repair café du Bellevue »"
    assert_says(message, "Repair café du Bellevue", "Maëlle Autrice", "Nous avons ajouté les horaires.",
                url=review_link(fiche))
    assert_no_address(message, people)


@worker_test
def test_changes_requested_tell_the_authors(client, people, fiche, mailoutbox):
    fiche.state = State.SUBMITTED
    fiche.save()
    transition(client, people["editor"], fiche, "demander-modifications", "Ajoutez une photo, s'il vous plaît.")
    sent = delivered(mailoutbox)
    assert set(sent) == {"autrice@example.org", "coauteur@example.org"}
    message = sent["autrice@example.org"]
    assert "Des modifications sont demandées" in message.subject
    assert_says(message, "Repair café du Bellevue", "Yann Accompagnateur", "Ajoutez une photo, s'il vous plaît.",
                url=review_link(fiche))
    assert_no_address(message, people)


@worker_test
def test_publication_tells_the_authors_with_the_public_link(client, people, fiche, mailoutbox):
    fiche.state = State.SUBMITTED
    fiche.save()
    transition(client, people["editor"], fiche, "publier", "Bravo !")
    sent = delivered(mailoutbox)
    assert set(sent) == {"autrice@example.org", "coauteur@example.org"}
    message = sent["coauteur@example.org"]
    assert message.subject == "« Repair café du Bellevue » est publiée"
    assert_says(message, "Yann Accompagnateur", "Bravo !", settings.SITE_URL + fiche.get_absolute_url(),
                url=review_link(fiche))


@worker_test
def test_a_rejection_tells_the_authors_why(client, people, fiche, mailoutbox):
    fiche.state = State.SUBMITTED
    fiche.save()
    transition(client, people["editor"], fiche, "refuser", "Cette initiative n'a pas de dimension sociale.")
    sent = delivered(mailoutbox)
    assert set(sent) == {"autrice@example.org", "coauteur@example.org"}
    assert_says(sent["autrice@example.org"], "Repair café du Bellevue",
                "Cette initiative n'a pas de dimension sociale.", url=review_link(fiche))


@worker_test
def test_an_authors_message_tells_the_editors_and_the_other_authors(client, people, fiche, mailoutbox):
    post(client, people["author"], reverse("editorial:comment", args=[fiche.pk]),
         {"message-body": "Une question sur les photos."})
    sent = delivered(mailoutbox)
    assert set(sent) == {"coauteur@example.org", "yann@example.org", "soizic@example.org"}
    message = sent["yann@example.org"]
    assert message.subject == "Nouveau message sur « Repair café du Bellevue »"
    assert_says(message, "Maëlle Autrice", "Une question sur les photos.", url=review_link(fiche))
    assert_no_address(message, people)


@worker_test
def test_an_editors_message_tells_the_authors(client, people, fiche, mailoutbox):
    post(client, people["editor"], reverse("editorial:comment", args=[fiche.pk]), {"message-body": "Bienvenue !"})
    assert set(delivered(mailoutbox)) == {"autrice@example.org", "coauteur@example.org"}


@worker_test
def test_a_suggestion_tells_the_authors(client, people, fiche, mailoutbox):
    post(client, people["editor"], reverse("editorial:suggest", args=[fiche.pk]), {
        "suggestion-target": "pitch", "suggestion-proposed": "Un atelier de réparation chaque samedi.",
        "suggestion-note": "Plus concret.",
    })
    sent = delivered(mailoutbox)
    assert set(sent) == {"autrice@example.org", "coauteur@example.org"}
    message = sent["autrice@example.org"]
    assert message.subject == "Une suggestion pour « Repair café du Bellevue »"
    made = fiche.suggestions.get()
    assert_says(message, "Yann Accompagnateur", "En bref", "Plus concret.", "Un atelier de réparation chaque samedi.",
                url=f"{review_link(fiche)}#suggestion-{made.pk}")
    assert_no_address(message, people)


@worker_test
def test_deciding_a_suggestion_sends_nothing(people, fiche, mailoutbox):
    made = suggestions.make(fiche, people["editor"], "pitch", "Un atelier de réparation chaque samedi.")
    delivered(mailoutbox)
    mailoutbox.clear()
    suggestions.accept(made, people["author"])
    assert delivered(mailoutbox) == {}


@worker_test
def test_a_proposal_tells_the_editors_and_its_decision_tells_its_author(people, fiche, mailoutbox):
    fiche.state = State.PUBLISHED
    fiche.save()
    proposer = UserFactory(email="loic@example.org", profile__display_name="Loïc Proposeur")
    edit = {**revisions.snapshot(fiche), "pitch": "Un pitch plus précis."}
    first = revisions.save_edit(fiche, proposer, edit, base_number=fiche.revision_number,
                                summary="Pitch plus précis").revision
    sent = delivered(mailoutbox)
    assert set(sent) == {"yann@example.org", "soizic@example.org"}
    proposal_link = settings.SITE_URL + reverse("editorial:proposal", args=[first.pk])
    assert sent["yann@example.org"].subject == "Modification proposée sur « Repair café du Bellevue »"
    assert_says(sent["yann@example.org"], "Loïc Proposeur", "Pitch plus précis", url=proposal_link)

    mailoutbox.clear()
    revisions.approve_revision(first, people["editor"], note="Merci, c'est plus clair.")
    sent = delivered(mailoutbox)
    assert set(sent) == {"loic@example.org"}
    assert sent["loic@example.org"].subject == "Votre modification de « Repair café du Bellevue » est en ligne"
    assert_says(sent["loic@example.org"], "Yann Accompagnateur", "Merci, c'est plus clair.", url=proposal_link)

    fiche.refresh_from_db()
    second = revisions.save_edit(fiche, proposer, {**revisions.snapshot(fiche), "pitch": "Encore un autre."},
                                 base_number=fiche.revision_number).revision
    mailoutbox.clear()
    revisions.decline_revision(second, people["editor"], note="La version actuelle suffit.")
    sent = delivered(mailoutbox)
    declined = sent["loic@example.org"]
    assert declined.subject == "Votre modification de « Repair café du Bellevue » n'est pas retenue"
    assert_says(declined, "La version actuelle suffit.",
                url=settings.SITE_URL + reverse("editorial:proposal", args=[second.pk]))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_in_french_with_its_context(name):
    context = {
        "title": "Repair café", "url": "https://exemple.test/relecture/1/", "public_url": "https://exemple.test/i/",
        "actor": "Yann", "message": "Voici <b>pourquoi</b>.\n\nDeuxième paragraphe.", "state": "publiée",
        "number": 4, "summary": "Nouveaux horaires", "target": "En bref", "original": "Ancien", "proposed": "Nouveau",
    }
    mail = render_templated_mail(name, context)
    assert "Repair café" in mail.subject and "\n" not in mail.subject
    for text in ("Repair café", "Yann", "https://exemple.test/relecture/1/", "Bonjour"):
        assert text in mail.text and text in mail.html
    assert "Voici <b>pourquoi</b>." in mail.text
    assert "Voici &lt;b&gt;pourquoi&lt;/b&gt;." in mail.html  # people's text is never HTML in a mail
    assert "@" not in mail.text + mail.html
    assert '<html lang="fr">' in mail.html
