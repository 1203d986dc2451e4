import pytest

from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_territory_page_lists_its_innovations_children_and_counts(client, territories):
    InnovationFactory(title="Fablab du port", communes=["Brest"])
    InnovationFactory(title="Repair café", communes=["Landerneau"])
    InnovationFactory(title="Ailleurs", communes=["Quimper"])
    response = client.get("/territoires/pays-de-brest/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fablab du port" in content and "Repair café" in content and "Ailleurs" not in content
    assert "2 innovations publiées" in content
    assert "Brest Métropole" in content  # a child EPCI with its count
    assert response.context["map_config"]["bounds"] is not None


def test_commune_page_has_breadcrumb(client, territories):
    response = client.get("/territoires/brest/")
    content = response.content.decode()
    assert "Pays de Brest" in content and "Finistère" in content and "Bretagne" in content


def test_unknown_territory_is_404(client, territories):
    assert client.get("/territoires/atlantide/").status_code == 404
