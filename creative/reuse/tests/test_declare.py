"""Declaring « Je m'en suis inspiré·e / Je l'ai reproduite »: who may, which fiches, and every refusal."""

import pytest
from django.urls import reverse

from creative.audit.models import AuditEntry
from creative.innovations.models import Innovation
from creative.network.models import TeamMember
from creative.reuse.models import Reproduction

from .helpers import authored

pytestmark = pytest.mark.django_db
State = Innovation.State


def declare_url(fiche):
    return reverse("reuse:declare", args=[fiche.slug])


def declare(client, user, original, derived, **extra):
    client.force_login(user)
    data = {"derived": derived.pk, "kind": "reproduction", "adapted": "", "started_year": ""}
    data.update(extra)
    return client.post(declare_url(original), data)


def errors_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_visitors_are_sent_to_login_and_unverified_accounts_refused(client, original, unverified):
    response = client.get(declare_url(original))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    client.force_login(unverified)
    assert client.get(declare_url(original)).status_code == 403


def test_unknown_fiche_is_404(client, contributor):
    client.force_login(contributor)
    assert client.get("/innovations/nexiste-pas/reproduction/").status_code == 404


def test_someone_without_a_fiche_is_offered_to_create_one(client, original, contributor):
    client.force_login(contributor)
    content = client.get(declare_url(original)).content.decode()
    assert f'href="{reverse("editorial:create")}?origine={original.slug}"' in content
    assert "Créer ma fiche d&#x27;abord" in content or "Créer ma fiche d'abord" in content
    assert 'name="derived"' not in content


def test_the_form_lists_my_fiches_only_and_preselects_the_one_asked(client, original, mine, declarer, contributor):
    draft = authored(declarer, title="Mon brouillon", state=State.DRAFT)
    archived = authored(declarer, title="Mon ancienne fiche", state=State.ARCHIVED)
    carried = authored(contributor, title="Fiche que je porte")
    TeamMember.objects.create(innovation=carried, user=declarer, kind=TeamMember.Kind.CARRIER)
    someone_else = authored(contributor, title="La fiche de Loïc")
    client.force_login(declarer)
    response = client.get(declare_url(original), {"fiche": draft.pk})
    content = response.content.decode()
    choices = list(response.context["form"].fields["derived"].queryset)
    assert set(choices) == {mine, draft, carried}
    assert archived.title not in content and someone_else.title not in content
    assert f'<option value="{draft.pk}" selected>' in content
    # A fiche that is not mine is never preselected.
    response = client.get(declare_url(original), {"fiche": someone_else.pk})
    assert "derived" not in response.context["form"].initial
    assert f'<option value="{someone_else.pk}"' not in response.content.decode()
    assert client.get(declare_url(original), {"fiche": "x'1"}).status_code == 200


def test_declaring_a_reproduction(client, original, mine, declarer):
    response = declare(client, declarer, original, mine, kind="inspiration", adapted="Ouvert le dimanche.",
                       started_year="2021")
    assert response.status_code == 302 and response["Location"] == f"{original.get_absolute_url()}#essaimage"
    link = Reproduction.objects.get()
    assert (link.original, link.derived, link.kind, link.adapted, link.started_year) == (
        original, mine, "inspiration", "Ouvert le dimanche.", 2021)
    assert link.status == Reproduction.Status.PENDING and link.declared_by == declarer and link.decided_by is None
    entry = AuditEntry.objects.get(action="reuse.declared")
    assert entry.actor == declarer and entry.data["original"] == original.pk and entry.data["derived"] == mine.pk


def test_a_draft_of_mine_may_be_declared(client, original, declarer):
    draft = authored(declarer, title="Mon brouillon", state=State.DRAFT)
    assert declare(client, declarer, original, draft).status_code == 302
    assert Reproduction.objects.get().derived == draft


def test_a_fiche_i_carry_may_be_declared(client, original, declarer, contributor):
    carried = authored(contributor, title="Fiche que je porte")
    TeamMember.objects.create(innovation=carried, user=declarer, kind=TeamMember.Kind.CARRIER)
    assert declare(client, declarer, original, carried).status_code == 302


def test_someone_elses_fiche_is_refused(client, original, declarer, contributor):
    theirs = authored(contributor, title="La fiche de Loïc")
    content = errors_of(declare(client, declarer, original, theirs))
    assert "Choisissez une de vos fiches" in content and not Reproduction.objects.exists()


def test_an_archived_fiche_is_refused(client, original, declarer):
    archived = authored(declarer, state=State.ARCHIVED)
    assert "Choisissez une de vos fiches" in errors_of(declare(client, declarer, original, archived))
    assert not Reproduction.objects.exists()


def test_a_fiche_cannot_reproduce_itself(client, original, original_author):
    content = errors_of(declare(client, original_author, original, original))
    assert "sa propre reproduction" in content and not Reproduction.objects.exists()


def test_a_link_is_declared_once(client, original, mine, declarer, link):
    content = errors_of(declare(client, declarer, original, mine))
    assert "est déjà liée à cette fiche" in content and Reproduction.objects.count() == 1


def test_a_declined_link_cannot_be_declared_again(client, original, mine, declarer, link):
    link.status = Reproduction.Status.DECLINED
    link.save()
    assert "l&#x27;ont refusé" in errors_of(declare(client, declarer, original, mine))


def test_the_opposite_direction_is_refused(client, original, mine, declarer, original_author, link):
    # Mine comes from the original: the original cannot come from mine.
    content = errors_of(declare(client, original_author, mine, original))
    assert "deux fiches ne peuvent pas s&#x27;être inspirées l&#x27;une de l&#x27;autre" in content
    assert Reproduction.objects.count() == 1


def test_a_cycle_is_refused(client, original, mine, declarer, original_author, link):
    # original → mine → grandchild; the original may not then come from the grandchild.
    grandchild = authored(declarer, title="Troisième repair café")
    Reproduction.objects.create(original=mine, derived=grandchild, declared_by=declarer)
    content = errors_of(declare(client, original_author, grandchild, original))
    assert "le lien ferait une boucle" in content and Reproduction.objects.count() == 2


def test_a_declined_link_does_not_count_for_cycles(client, original, mine, declarer, original_author, link):
    grandchild = authored(declarer, title="Troisième repair café")
    Reproduction.objects.create(original=mine, derived=grandchild, declared_by=declarer,
                                status=Reproduction.Status.DECLINED)
    assert declare(client, original_author, grandchild, original).status_code == 302


def test_an_unpublished_original_is_refused(client, declarer, mine, original_author, contributor):
    draft = authored(original_author, title="Pas encore publiée", state=State.DRAFT)
    client.force_login(declarer)
    assert client.get(declare_url(draft)).status_code == 404  # not even visible to them
    client.force_login(original_author)
    other = authored(original_author, title="Une autre de mes fiches")
    response = client.post(declare_url(draft), {"derived": other.pk, "kind": "reproduction"})
    assert response.status_code == 400 and "pas publiée" in response.content.decode()
    assert not Reproduction.objects.exists()


def test_declaring_from_a_fiche_i_also_carry_confirms_at_once(client, original, original_author):
    second = authored(original_author, title="Deuxième repair café")
    assert declare(client, original_author, original, second).status_code == 302
    link = Reproduction.objects.get()
    assert link.status == Reproduction.Status.CONFIRMED and link.decided_by == original_author


def test_bad_values_are_form_errors(client, original, mine, declarer):
    content = errors_of(declare(client, declarer, original, mine, kind="clone", started_year="1492"))
    assert "form-errors" in content and "1900" in content and not Reproduction.objects.exists()
    response = client.post(declare_url(original), {"derived": "abc", "kind": "reproduction"})
    assert "Choisissez une de vos fiches" in errors_of(response)
