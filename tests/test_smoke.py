from tests.factories import InnovationFactory


def test_fiche_is_listed(client, territories):
    InnovationFactory(title="Jardin partagé de Bellevue", communes=["Brest"], themes=["developpement-durable"])
    response = client.get("/innovations/?q=jardins+partagés")
    assert response.status_code == 200
    assert "Bellevue" in response.content.decode()
