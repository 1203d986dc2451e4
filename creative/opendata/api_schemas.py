"""The API's documents, as pydantic schemas: they are the OpenAPI document's components.

Only public fields are here, by construction: there is no schema with an email address,
a contact address, an online meeting link or a moderation state.
"""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str = Field(description="Ce qui ne va pas, en français.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Les erreurs champ par champ, quand la requête n'est pas valide.")


class Page(Schema):
    next: str | None = Field(
        None, description="L'adresse de la page suivante (null à la dernière page). Suivez-la telle quelle.")


# --- Small shared parts -------------------------------------------------------------------------

class ThemeOut(Schema):
    slug: str
    name: str
    description: str = ""


class KindOut(Schema):
    slug: str
    name: str


class TerritoryRef(Schema):
    slug: str
    code: str
    name: str
    level: str


class Point(Schema):
    lat: float
    lng: float


class LicenceOut(Schema):
    code: str = Field(description="Identifiant SPDX de la licence, par exemple CC-BY-SA-4.0.")
    name: str
    url: str
    shareable_as_cc_by_sa: bool = Field(
        description="Faux pour un contenu importé sous une licence incompatible (ODbL) : il garde sa licence.")


class PersonRef(Schema):
    name: str = Field(description="Le nom public ; jamais l'adresse électronique.")
    url: str | None = Field(None, description="Sa page publique, si la personne en a une.")


class InnovationRef(Schema):
    slug: str
    title: str
    url: str


# --- Fiches -------------------------------------------------------------------------------------

class PlaceOut(Schema):
    commune: TerritoryRef
    address: str
    point: Point = Field(description="Le point précis s'il est connu, sinon le point de référence de la commune.")
    precise: bool = Field(description="Vrai quand le point est celui du lieu, pas celui de la commune.")


class InnovationSummary(Schema):
    slug: str
    title: str
    pitch: str
    url: str = Field(description="La page de la fiche sur le site.")
    api_url: str
    status: str = Field(description="Avancement : idee, demarrage, en-cours ou terminee.")
    kind: str | None = Field(None, description="Type de porteur (slug).")
    themes: list[str] = Field(description="Slugs des thèmes.")
    places: list[PlaceOut]
    licence: str
    published_at: datetime | None = None
    updated_at: datetime


class InnovationList(Page):
    results: list[InnovationSummary]


class AnswerOut(Schema):
    slug: str
    title: str
    body: str = Field(description="La réponse, en Markdown.")


class LinkOut(Schema):
    label: str
    url: str


class ImageOut(Schema):
    url: str
    alt_text: str
    caption: str
    credit: str
    is_cover: bool


class ProvenanceOut(Schema):
    source: str
    original_url: str
    original_authors: str
    original_licence: str
    read_only: bool


class InnovationDetail(Schema):
    slug: str
    title: str
    pitch: str
    description: str = Field(description="En Markdown.")
    url: str
    api_url: str
    original_url: str = Field(description="La publication d'origine : la source d'une fiche importée, sinon "
                                          "sa page sur ce site.")
    status: str
    start_year: int | None = None
    website: str
    carrier_name: str
    kind: KindOut | None = None
    themes: list[ThemeOut]
    sections: list[AnswerOut] = Field(description="Les réponses au « code source » de la fiche.")
    places: list[PlaceOut]
    territories: list[TerritoryRef] = Field(description="Tous les territoires qui contiennent un de ses lieux.")
    links: list[LinkOut]
    images: list[ImageOut]
    licence: LicenceOut
    authors: list[PersonRef]
    contributors: list[PersonRef]
    attribution: str = Field(description="Le texte d'attribution à reprendre quand on republie la fiche.")
    provenance: ProvenanceOut | None = None
    revision: int = Field(description="Le numéro de la version en ligne (à renvoyer dans un PATCH).")
    published_at: datetime | None = None
    updated_at: datetime


# --- Territories, themes, sections ----------------------------------------------------------------

class TerritoryOut(TerritoryRef):
    parent: str | None = Field(None, description="Slug du territoire parent.")
    url: str
    api_url: str


class TerritoryList(Page):
    results: list[TerritoryOut]


class TerritoryDetail(TerritoryOut):
    population: int | None = None
    point: Point | None = None
    bounds: list[float] | None = Field(None, description="Emprise [ouest, sud, est, nord] en degrés.")
    ancestors: list[TerritoryRef]
    children: list[TerritoryRef]
    innovations: int = Field(description="Nombre de fiches publiées sur ce territoire.")


class ThemeList(Page):
    results: list[ThemeOut]


class SectionOut(Schema):
    slug: str
    title: str
    help_text: str
    position: int
    is_active: bool


class SectionList(Page):
    results: list[SectionOut]


class KindList(Page):
    results: list[KindOut]


# --- Events, organisations, people, articles, reproductions -----------------------------------------

class EventOut(Schema):
    slug: str
    title: str
    description: str
    url: str
    kind: str | None = None
    state: str = Field(description="published, ou cancelled pour une date annulée.")
    starts_at: datetime
    ends_at: datetime
    is_online: bool
    commune: TerritoryRef | None = None
    address: str
    point: Point | None = None
    is_free: bool
    price_info: str
    accessibility: str
    organisation: str | None = Field(None, description="Slug de l'organisation.")
    themes: list[str]
    innovations: list[str] = Field(description="Slugs des fiches liées (publiées).")
    updated_at: datetime


class EventList(Page):
    results: list[EventOut]


class OrganisationOut(Schema):
    slug: str
    name: str
    description: str
    url: str
    kind: str | None = None
    commune: TerritoryRef | None = None
    address: str
    point: Point | None = None
    website: str
    themes: list[str]
    updated_at: datetime


class OrganisationList(Page):
    results: list[OrganisationOut]


class PersonOut(Schema):
    slug: str
    name: str
    url: str
    commune: TerritoryRef | None = None
    bio: str
    links: list[str]
    themes: list[str]


class PersonList(Page):
    results: list[PersonOut]


class ArticleOut(Schema):
    slug: str
    title: str
    lead: str
    body: str = Field(description="En Markdown.")
    url: str
    category: KindOut
    is_dossier: bool
    authors: list[str]
    themes: list[str]
    territories: list[str]
    innovations: list[str]
    published_at: datetime
    updated_at: datetime


class ArticleList(Page):
    results: list[ArticleOut]


class ReproductionOut(Schema):
    id: int
    kind: str = Field(description="reproduction ou inspiration.")
    status: str = Field(description="confirmed, ou pending tant que les porteurs de l'original n'ont pas répondu.")
    original: InnovationRef
    derived: InnovationRef
    adapted: str
    started_year: int | None = None
    declared_at: datetime


class ReproductionList(Page):
    results: list[ReproductionOut]


# --- Writing ------------------------------------------------------------------------------------

class PlaceIn(Schema):
    commune: str = Field(description="Code INSEE de la commune, par exemple 29019 pour Brest.", max_length=20)
    address: str = Field("", max_length=255)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class LinkIn(Schema):
    label: str = Field(max_length=200)
    url: str = Field(max_length=200)


class InnovationPatch(Schema):
    """The fields to change; a field left out keeps its value."""

    title: str | None = Field(None, max_length=150)
    pitch: str | None = Field(None, max_length=280)
    description: str | None = Field(None, max_length=50_000, description="En Markdown.")
    carrier_name: str | None = Field(None, max_length=200)
    carrier_kind: str | None = Field(None, max_length=100, description="Slug d'un type de porteur.")
    status: str | None = Field(None, description="idee, demarrage, en-cours ou terminee.", max_length=16)
    start_year: int | None = Field(None, ge=1900, le=2100)
    website: str | None = Field(None, max_length=200)
    licence: str | None = Field(None, max_length=20, description="CC-BY-SA-4.0 (par défaut), CC-BY-4.0…")
    themes: list[str] | None = Field(None, max_length=50, description="Slugs des thèmes (remplace la liste).")
    sections: dict[str, str] | None = Field(
        None, description="Réponses par slug de section, en Markdown ; une réponse vide retire la réponse.")
    places: list[PlaceIn] | None = Field(None, max_length=20, description="Remplace la liste des lieux.")
    links: list[LinkIn] | None = Field(None, max_length=20, description="Remplace la liste des liens.")
    summary: str = Field("", max_length=300, description="Résumé de la modification, pour l'historique.")
    revision: int | None = Field(
        None, ge=0, description="La version sur laquelle la modification a été écrite (champ revision de la "
                                "fiche) : une modification concurrente des mêmes champs donne une erreur 409.")


class InnovationCreate(InnovationPatch):
    title: str = Field(max_length=150, min_length=1)


class WriteResult(Schema):
    slug: str
    state: str = Field(description="L'état de la fiche : draft pour une fiche créée.")
    live: bool = Field(description="Faux quand la modification attend la relecture de l'équipe éditoriale.")
    unchanged: bool
    merged: bool
    revision: int | None = Field(None, description="Le numéro de la version enregistrée.")
    detail: str
    url: str
