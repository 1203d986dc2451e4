"""Calls and reproductions in the admin: administrators list, search and open them."""

import pytest
from django.urls import reverse

from creative.calls.models import CallForHelp
from creative.reuse.models import Reproduction
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_administrators_browse_calls_and_reproductions(client, administrator, fiche):
    call = CallForHelp.objects.create(innovation=fiche, kind="skills", title="Un graphiste")
    link = Reproduction.objects.create(original=fiche, derived=InnovationFactory(title="Copie de Brest"))
    client.force_login(administrator)
    rows = [("calls_callforhelp", call, "Un graphiste"), ("reuse_reproduction", link, "Copie de Brest")]
    for model, obj, text in rows:
        listing = client.get(reverse(f"admin:{model}_changelist"), {"q": text.split()[-1]})
        assert listing.status_code == 200 and text in listing.content.decode()
        assert client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200


def test_contributors_have_no_admin(client, contributor):
    client.force_login(contributor)
    assert client.get(reverse("admin:calls_callforhelp_changelist")).status_code == 302
