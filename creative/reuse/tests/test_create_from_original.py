"""« Créer ma fiche d'abord »: the editor's creation carries ?origine= and comes back to the declaration."""

import pytest
from django.urls import reverse

from creative.innovations.models import Innovation

from .helpers import authored

pytestmark = pytest.mark.django_db

NEW_FICHE = {
    "title": "Repair café de Guipavas", "status": "demarrage", "action": "save",
    "links-TOTAL_FORMS": "0", "links-INITIAL_FORMS": "0", "links-MIN_NUM_FORMS": "0", "links-MAX_NUM_FORMS": "1000",
}


def test_the_creation_form_carries_the_origin(client, original, contributor):
    client.force_login(contributor)
    content = client.get(reverse("editorial:create"), {"origine": original.slug}).content.decode()
    assert f'type="hidden" name="origine" value="{original.slug}"' in content
    content = client.get(reverse("editorial:create")).content.decode()
    assert 'name="origine"' not in content


def test_creating_from_an_original_returns_to_its_declaration(client, original, contributor):
    client.force_login(contributor)
    response = client.post(reverse("editorial:create"), {**NEW_FICHE, "origine": original.slug})
    fiche = Innovation.objects.get(title="Repair café de Guipavas")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reuse:declare', args=[original.slug])}?fiche={fiche.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["form"].initial["derived"] == fiche.pk
    assert f'<option value="{fiche.pk}" selected>' in page.content.decode()


def test_without_origin_the_editor_goes_on_as_before(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("editorial:create"), NEW_FICHE)
    fiche = Innovation.objects.get()
    assert response["Location"] == reverse("editorial:edit", args=[fiche.pk, "identite"])


@pytest.mark.parametrize("origin", ["nexiste-pas", "draft", "x" * 500])
def test_an_unknown_or_unpublished_origin_is_ignored(client, contributor, origin, original_author):
    if origin == "draft":
        origin = authored(original_author, state=Innovation.State.DRAFT).slug
    client.force_login(contributor)
    assert 'name="origine"' not in client.get(reverse("editorial:create"), {"origine": origin}).content.decode()
    response = client.post(reverse("editorial:create"), {**NEW_FICHE, "origine": origin})
    fiche = Innovation.objects.get(title="Repair café de Guipavas")
    assert response["Location"] == reverse("editorial:edit", args=[fiche.pk, "identite"])
