"""A fixed corpus for the matchmaking tests: a dozen realistic fiches around Brest, some ambassadors.

Distances between commune reference points, from Plouzané: Saint-Renan 6 km, Brest 8 km,
Plouarzel 12 km, Gouesnou 13 km, Plougastel-Daoulas 15 km, Guipavas 16 km, Crozon 18 km,
Landerneau 26 km, Lesneven 31 km, Quimper 56 km; from Brest: Gouesnou 5 km, Guipavas 8 km,
Saint-Renan 9 km, Landerneau 18 km, Quimper 55 km.
"""

import pytest

from creative.accounts.roles import Role
from creative.innovations.models import Authorship, Innovation
from creative.network.models import Ambassador
from tests.factories import InnovationFactory, UserFactory, commune

FICHES = {
    "jardin": {
        "title": "Le jardin partagé de Kerinou",
        "pitch": "Des voisins cultivent ensemble légumes et fleurs dans un jardin partagé au cœur du quartier.",
        "description": "Chaque parcelle est confiée à une famille ; un composteur et des outils sont partagés. "
        "Le jardin accueille les écoles le mercredi.",
        "communes": ["Brest"], "themes": ["developpement-durable", "alimentation"],
    },
    "repair": {
        "title": "Repair café de Landerneau",
        "pitch": "Un samedi par mois, des bricoleurs bénévoles réparent avec vous grille-pain, vêtements et "
        "ordinateurs au lieu de les jeter.",
        "description": "Le repair café lutte contre le gaspillage : on apprend à réparer soi-même, autour d'un café.",
        "communes": ["Landerneau"], "themes": ["developpement-durable", "economie-sociale-solidaire"],
    },
    "epicerie": {
        "title": "Épicerie solidaire du pays d'Iroise",
        "pitch": "Des produits frais à petit prix pour les familles aux revenus modestes.",
        "description": "L'épicerie solidaire est tenue par des bénévoles et travaille avec les producteurs locaux.",
        "communes": ["Saint-Renan"], "themes": ["solidarites", "alimentation", "economie-sociale-solidaire"],
    },
    "fablab": {
        "title": "Fablab des Capucins",
        "pitch": "Imprimantes 3D, découpe laser et électronique : un atelier de fabrication numérique ouvert à tous.",
        "description": "Les makers se retrouvent le jeudi soir pour prototyper et partager leurs plans "
        "sous licence libre.",
        "communes": ["Brest"], "themes": ["numerique", "design-creativite"],
    },
    "carto": {
        "title": "Cartographie participative de Plouarzel",
        "pitch": "Les habitants dessinent la carte des chemins, des lavoirs et des lieux de mémoire de leur commune.",
        "description": "Balades, relevés au GPS et ateliers de dessin : la carte est publiée sur OpenStreetMap.",
        "communes": ["Plouarzel"], "themes": ["citoyennete-participation", "patrimoine"],
    },
    "media": {
        "title": "Média coopératif du Léon",
        "pitch": "Un journal local en ligne écrit par ses lecteurs et lectrices, organisé en coopérative.",
        "description": "Une SCIC réunit journalistes, lecteurs et associations ; les articles sont en accès libre.",
        "communes": ["Lesneven"], "themes": ["culture-arts", "citoyennete-participation", "economie-sociale-solidaire"],
    },
    "velo": {
        "title": "Atelier vélo participatif",
        "pitch": "On apprend à réparer et entretenir son vélo soi-même, avec des outils partagés.",
        "description": "Des mécaniciens bénévoles conseillent ; les vélos abandonnés sont remis en état.",
        "communes": ["Guipavas"], "themes": ["mobilite", "developpement-durable"],
    },
    "habitat": {
        "title": "Habitat intergénérationnel de Crozon",
        "pitch": "Des étudiants logent chez des personnes âgées en échange de compagnie et de petits services.",
        "description": "Une charte fixe les engagements de chacun ; une association suit chaque binôme.",
        "communes": ["Crozon"], "themes": ["intergeneration", "solidarites"],
    },
    "compost": {
        "title": "Compost de quartier à Quimper",
        "pitch": "Les habitants déposent leurs déchets de cuisine dans des composteurs collectifs.",
        "description": "Des guides composteurs forment les voisins ; le compost nourrit les massifs et les potagers.",
        "communes": ["Quimper"], "themes": ["developpement-durable"],
    },
    "cantine": {
        "title": "Cantine bio et locale",
        "pitch": "Les enfants mangent des produits locaux et bio cuisinés sur place.",
        "description": "La commune achète aux maraîchers du territoire et forme ses cuisiniers.",
        "communes": ["Plougastel-Daoulas"], "themes": ["alimentation", "education-populaire"],
    },
    "permanence": {
        "title": "Permanences numériques en mairie",
        "pitch": "Des médiateurs accompagnent les habitants dans leurs démarches en ligne.",
        "description": "Sans rendez-vous, deux matinées par semaine, avec des ordinateurs en libre accès.",
        "communes": ["Gouesnou"], "themes": ["numerique", "services-publics", "solidarites"],
    },
    "draft": {
        "title": "Jardin partagé des Quatre Vents",
        "pitch": "Un jardin partagé entre voisins, en projet.",
        "description": "Brouillon d'un jardin partagé.",
        "communes": ["Plouzané"], "themes": ["developpement-durable", "alimentation"],
        "state": Innovation.State.DRAFT,
    },
}


def make_ambassador(fiche, name, *, commune_name=None, travel_km=0, public=True, active=True,
                    topics="Démarrer, trouver un lieu, animer les bénévoles."):
    user = UserFactory(profile__display_name=name)
    profile = user.profile
    profile.is_public = public
    profile.commune = commune(commune_name) if commune_name else None
    profile.save()
    return Ambassador.objects.create(
        innovation=fiche, user=user, topics=topics, means=["phone", "visit"], travel_km=travel_km, is_active=active,
    )


@pytest.fixture
def corpus(territories):
    return {key: InnovationFactory(**values) for key, values in FICHES.items()}


@pytest.fixture
def ambassadors(corpus):
    return {
        "gaelle": make_ambassador(corpus["jardin"], "Gaëlle Jardinière", commune_name="Brest", travel_km=20),
        "yann": make_ambassador(corpus["repair"], "Yann Réparateur", commune_name="Landerneau", travel_km=30),
        "inactive": make_ambassador(corpus["repair"], "Paul Indisponible", commune_name="Brest", active=False),
        "private": make_ambassador(corpus["epicerie"], "Anne Discrète", commune_name="Saint-Renan", public=False),
        "soazig": make_ambassador(corpus["velo"], "Soazig Mécano", travel_km=10),  # no commune: her fiche's
        "loic": make_ambassador(corpus["compost"], "Loïc Composteur", commune_name="Quimper"),
        "nolwenn": make_ambassador(corpus["epicerie"], "Nolwenn Épicière", commune_name="Saint-Renan", travel_km=15),
    }


@pytest.fixture
def author(corpus):
    user = UserFactory(profile__display_name="Maëlle Autrice")
    Authorship.objects.create(innovation=corpus["draft"], user=user, is_creator=True)
    return user


@pytest.fixture
def personas(territories):
    """Every role the site knows, signed in (None: an anonymous visitor)."""
    return {
        "anonymous": None,
        "unverified": UserFactory(verified=False),
        "contributor": UserFactory(),
        "editor": UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"]),
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
