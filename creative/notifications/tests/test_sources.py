"""Each source of notifications tells the right people, once each, never the person who acted."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from creative.events import editing
from creative.events.models import Event
from creative.innovations.models import Authorship
from creative.network.models import Organisation, TeamMember
from creative.notifications import services
from creative.notifications.models import Notification
from creative.territories.models import Territory
from tests.factories import InnovationFactory, commune

from .conftest import commit, follow, person

pytestmark = pytest.mark.usefixtures("tasks_now")


def told(key_prefix):
    """{display name: notification} of the notifications whose key starts with `key_prefix`."""
    return {str(n.recipient.display_name): n for n in Notification.objects.filter(key__startswith=key_prefix)}


# Publication of a fiche --------------------------------------------------------------------------------------

def test_published_fiche_tells_followers_of_its_territories_themes_people_and_organisations(draft, editor, theme,
                                                                                          author):
    from creative.editorial import workflow

    brest, pays = commune("Brest"), Territory.objects.get(slug="pays-de-brest")
    quimper = commune("Quimper")
    organisation = Organisation.objects.create(name="Les Amis du Vélo")
    TeamMember.objects.create(innovation=draft, organisation=organisation)
    carrier = person("Loïc Porteur")
    TeamMember.objects.create(innovation=draft, user=carrier)

    of_commune, of_pays, of_theme, of_both = person("Commune"), person("Pays"), person("Thème"), person("Les deux")
    of_author, of_carrier, of_org = person("Suit l'autrice"), person("Suit le porteur"), person("Suit l'asso")
    elsewhere, inactive = person("Quimper"), person("Inactif", is_active=False)
    follow(of_commune, brest)
    follow(of_pays, pays)
    follow(of_theme, theme)
    follow(of_both, brest)
    follow(of_both, theme)
    follow(of_author, author.profile)
    follow(of_carrier, carrier)
    follow(of_org, organisation)
    follow(elsewhere, quimper)
    follow(inactive, brest)
    follow(editor, brest)  # the editor who publishes: never told of their own act

    workflow.publish(draft, editor)
    assert not Notification.objects.exists()  # nothing before the transaction commits
    commit()

    notes = told(f"published:{draft.pk}")
    assert set(notes) == {"Commune", "Pays", "Thème", "Les deux", "Suit l'autrice", "Suit le porteur",
                          "Suit l'asso"}
    assert Notification.objects.filter(recipient=of_both).count() == 1  # territory and theme: one notification
    note = notes["Commune"]
    assert note.kind == Notification.Kind.NEW_INNOVATION
    assert note.text == "Nouvelle fiche : « Brouillon secret »"
    assert note.url == draft.get_absolute_url()
    assert note.reason == "Vous suivez le territoire Brest."
    assert notes["Pays"].reason == "Vous suivez le territoire Pays de Brest."
    assert notes["Thème"].reason == "Vous suivez le thème Numérique."
    assert notes["Suit l'autrice"].reason == "Vous suivez Maëlle Autrice."
    assert notes["Suit l'asso"].reason == "Vous suivez l'organisation Les Amis du Vélo."
    assert note.emailed_at is None and note.read_at is None

    # Run again (a retried task): nothing more.
    services.fan_out({"kind": "new_innovation", "key": f"published:{draft.pk}", "text": "x", "url": "/",
                      "actor_id": editor.pk, "follows": {"territory": [brest.pk], "theme": [theme.pk]},
                      "people": [], "people_reason": "", "people_url": "", "mailed": []})
    assert Notification.objects.filter(key=f"published:{draft.pk}").count() == 7


def test_a_refused_publication_tells_nobody(draft, reader, theme):
    from creative.editorial import workflow

    follow(reader, theme)
    outsider = person("Pas accompagnateur")
    with pytest.raises(workflow.TransitionError):
        workflow.publish(draft, outsider)
    commit()
    assert not Notification.objects.exists()


# Revisions --------------------------------------------------------------------------------------------------

def test_a_live_revision_tells_the_fiche_followers_once_a_day_per_author(fiche, author, reader, editor):
    from creative.accounts.roles import Role, grant
    from creative.editorial import revisions

    grant(author, Role.TRUSTED)
    follow(reader, fiche)
    follow(author, fiche)  # the author edits: not told of their own edit
    other_fiche_follower = person("Autre fiche")
    follow(other_fiche_follower, InnovationFactory(title="Autre", communes=["Brest"]))

    data, base = revisions.working_copy(author, fiche)
    revisions.save_edit(fiche, author, {**data, "pitch": "Nouveau résumé."}, base_number=base, summary="Résumé")
    commit()
    data, base = revisions.working_copy(author, fiche)
    revisions.save_edit(fiche, author, {**data, "pitch": "Encore un autre."}, base_number=base)
    commit()

    [note] = Notification.objects.all()
    assert note.recipient == reader and note.kind == Notification.Kind.REVISION
    assert note.text == "« Repair café du Bellevue » a été modifiée par Maëlle Autrice"
    assert note.url == f"/innovations/{fiche.slug}/historique/"
    assert note.reason == "Vous suivez la fiche « Repair café du Bellevue »."


def test_a_pending_proposal_tells_nobody_until_approved(fiche, reader, editor):
    from creative.editorial import revisions

    proposer = person("Proposeuse")
    follow(reader, fiche)
    data, base = revisions.working_copy(proposer, fiche)
    result = revisions.save_edit(fiche, proposer, {**data, "pitch": "Une proposition."}, base_number=base)
    commit()
    assert not result.live and not Notification.objects.exists()

    revisions.approve_revision(result.revision, editor)
    commit()
    [note] = Notification.objects.all()
    assert note.recipient == reader and "Proposeuse" in note.text


def test_a_draft_edit_tells_nobody(draft, author, reader):
    from creative.editorial import revisions

    Notification.objects.all().delete()
    follow(reader, author.profile)
    data, base = revisions.working_copy(author, draft)
    revisions.save_edit(draft, author, {**data, "pitch": "Brouillon revu."}, base_number=base)
    commit()
    assert not Notification.objects.exists()


# Comments ---------------------------------------------------------------------------------------------------

def test_a_visible_comment_tells_the_fiche_followers_and_marks_the_mailed_authors(fiche, author, reader):
    from creative.comments.services import post_comment

    follower = person("Abonnée", "abonnee@example.org")
    follow(follower, fiche)
    follow(author, fiche)  # mailed as an author by the comments app: stored as already mailed
    follow(reader, fiche)  # the commenter
    comment = post_comment(fiche, reader, "Bravo pour ce projet !")
    commit()

    notes = told(f"comment:{comment.pk}")
    assert set(notes) == {"Abonnée", "Maëlle Autrice"}
    assert notes["Abonnée"].text == "Gwen Lectrice a commenté « Repair café du Bellevue »"
    assert notes["Abonnée"].url == comment.get_absolute_url()
    assert notes["Abonnée"].emailed_at is None
    assert notes["Maëlle Autrice"].emailed_at is not None
    # The author got the comments app's own mail, and only that one.
    assert [m.subject for m in mail.outbox if m.to == ["autrice@example.org"]] == [
        "Nouveau commentaire sur « Repair café du Bellevue »"]


def test_a_held_comment_tells_nobody_until_approved(fiche, reader, settings):
    from creative.comments.services import post_comment, set_visibility
    from creative.moderation.models import Visibility

    settings.MODERATION_PREMODERATE_NEW = True
    follower = person("Abonnée")
    follow(follower, fiche)
    newcomer = person("Nouvelle venue")
    comment = post_comment(fiche, newcomer, "Premier message")
    commit()
    assert comment.visibility == Visibility.HELD
    assert not Notification.objects.exists()

    moderator = person("Modé", roles=["moderator"])
    set_visibility(comment, Visibility.VISIBLE, moderator)
    commit()
    assert set(told(f"comment:{comment.pk}")) == {"Abonnée"}


# Events -----------------------------------------------------------------------------------------------------

def _event(title, **fields):
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    event = Event(title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), commune=commune("Brest"),
                  **fields)
    return editing.save_event(event)


def test_a_published_event_tells_followers_of_its_territories_themes_organiser_and_organisation(editor, theme):
    organiser = person("Organisatrice")
    organisation = Organisation.objects.create(name="Tiers-lieu")
    event = _event("Atelier réparation", organiser=organiser, organisation=organisation,
                   state=Event.State.PROPOSED)
    event.themes.set([theme])
    of_territory, of_theme, of_organiser, of_org = (person("Territoire"), person("Thème"), person("Organiser"),
                                                   person("Orga"))
    follow(of_territory, Territory.objects.get(slug="pays-de-brest"))
    follow(of_theme, theme)
    follow(of_organiser, organiser.profile)
    follow(of_org, organisation)
    follow(organiser, theme)  # the organiser follows the theme: told (an editor published it)

    editing.publish([event], editor)
    commit()
    notes = told(f"event:{event.pk}")
    assert set(notes) == {"Territoire", "Thème", "Organiser", "Orga", "Organisatrice"}
    assert notes["Thème"].kind == Notification.Kind.NEW_EVENT
    assert notes["Thème"].text.startswith("Nouvel événement : « Atelier réparation », ")
    assert notes["Thème"].url == event.get_absolute_url()


def test_a_proposed_event_tells_nobody(territories, theme):
    follower = person("Thème")
    follow(follower, theme)
    event = _event("En attente", state=Event.State.PROPOSED)
    event.themes.set([theme])
    commit()
    assert not Notification.objects.exists()


# Review threads ---------------------------------------------------------------------------------------------

def test_a_review_message_tells_authors_and_participants_except_its_writer(draft, author, editor):
    from creative.editorial import workflow

    coauthor = person("Co Autrice", "coautrice@example.org")
    Authorship.objects.create(innovation=draft, user=coauthor)
    admin = person("Admin", "admin@example.org", is_superuser=True)
    workflow.comment(draft, admin, "Une première remarque.")  # a participant not mailed by later messages
    commit()
    Notification.objects.all().delete()

    message = workflow.comment(draft, editor, "Pouvez-vous préciser le lieu ?")
    commit()
    notes = told(f"review:{message.pk}")
    assert set(notes) == {"Maëlle Autrice", "Co Autrice", "Admin"}
    assert notes["Admin"].url == f"/relecture/{draft.pk}/"
    assert notes["Admin"].reason == "Vous participez à la relecture de cette fiche."
    assert notes["Admin"].text == "Yann Accompagnateur a écrit dans la relecture de « Brouillon secret »"
    # The authors were mailed by the review thread itself: no second mail through notifications.
    assert notes["Maëlle Autrice"].emailed_at is not None and notes["Co Autrice"].emailed_at is not None
    assert notes["Admin"].emailed_at is None


# Reproductions ----------------------------------------------------------------------------------------------

def test_a_declared_reproduction_tells_the_originals_people_and_followers(fiche, author, reader):
    from creative.reuse import services as reuse

    carrier = person("Porteur d'origine")
    TeamMember.objects.create(innovation=fiche, user=carrier)
    declarer = person("Déclarante")
    derived = InnovationFactory(title="Repair café de Quimper", communes=["Quimper"])
    Authorship.objects.create(innovation=derived, user=declarer, is_creator=True)
    follow(reader, fiche)
    follow(declarer, fiche)

    link = reuse.declare(fiche, derived, declarer, kind="reproduction")
    commit()
    notes = told(f"reproduction:{link.pk}")
    assert set(notes) == {"Maëlle Autrice", "Porteur d'origine", "Gwen Lectrice"}
    assert notes["Gwen Lectrice"].text == "« Repair café de Quimper » reproduit « Repair café du Bellevue »"
    assert notes["Gwen Lectrice"].url == derived.get_absolute_url()
    assert notes["Gwen Lectrice"].emailed_at is None
    assert notes["Maëlle Autrice"].url == f"/reproductions/{link.pk}/"
    assert notes["Maëlle Autrice"].emailed_at is not None  # reuse_declared was mailed
    assert notes["Porteur d'origine"].reason == "Vous portez la fiche « Repair café du Bellevue »."


def test_an_unpublished_derived_fiche_is_not_revealed_to_followers(fiche, author, reader):
    from creative.innovations.models import Innovation
    from creative.reuse import services as reuse

    declarer = person("Déclarante")
    derived = InnovationFactory(title="Projet encore secret", communes=["Quimper"], state=Innovation.State.DRAFT)
    Authorship.objects.create(innovation=derived, user=declarer, is_creator=True)
    follow(reader, fiche)
    link = reuse.declare(fiche, derived, declarer, kind="inspiration")
    commit()
    assert set(told(f"reproduction:{link.pk}")) == {"Maëlle Autrice"}


def test_an_event_an_editor_publishes_directly_tells_followers_but_not_the_editor(client, editor, theme):
    from creative.events.models import EventKind

    follower = person("Thème")
    follow(follower, theme)
    follow(editor, theme)
    client.force_login(editor)
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post("/agenda/proposer/", {
        "title": "Atelier d'écriture publique", "kind": str(EventKind.objects.get(slug="atelier-ecriture-publique").pk),
        "description": "Nous écrivons ensemble des textes courts sur le quartier.", "start_date": day,
        "start_time": "18:30", "end_time": "20:30", "commune": "Brest", "address": "Médiathèque", "capacity": "12",
        "is_free": "on", "repeat": "", "themes": ["numerique"],
    })
    event = Event.objects.get()
    assert response.status_code == 302 and event.state == Event.State.PUBLISHED
    commit()
    assert set(told(f"event:{event.pk}")) == {"Thème"}
