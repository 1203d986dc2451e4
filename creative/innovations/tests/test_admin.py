import pytest
from django.contrib import admin
from django.urls import reverse

from creative.innovations.models import Innovation
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_every_model_has_a_working_admin(admin_client, territories):
    fiche = InnovationFactory(communes=["Brest"], answers={"origine": "Une idée."})
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "brest"}).status_code == 200, changelist
        if model_admin.has_add_permission(response.wsgi_request):  # task results are read-only
            assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    change = reverse("admin:innovations_innovation_change", args=[fiche.pk])
    content = admin_client.get(change).content.decode()
    assert "Comment est-ce né ?" in content and "Brest" in content


def test_admin_is_closed_to_visitors(client, db):
    response = client.get("/admin/innovations/innovation/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_publish_action(admin_client, territories):
    # The admin's action goes through the workflow: only a submitted fiche can be published.
    draft = InnovationFactory(state=Innovation.State.SUBMITTED, communes=["Brest"], themes=["numerique"])
    admin_client.post(
        reverse("admin:innovations_innovation_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
