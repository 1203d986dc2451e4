"""Demo content for the magazine: about fifteen signed articles in each category, linked to the
demo fiches, published over the last months, and one dossier « 25 innovations sociales au pays
de Brest » gathering (up to) 25 demo fiches in order, shown as a list and a map.

Loaded by `manage.py load_demo` after the demo fiches and the demo network (whose demo people
sign the articles), removed by `manage.py remove_demo`. The text is generated from the demo
fiches' titles, pitches, themes and communes, deterministically: loading twice creates and
changes nothing. Demo articles have `is_demo=True` and a slug starting with "demo-"; a real
article holding one of these slugs stops the loader before anything is changed.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from creative.innovations.demo import DemoDataError
from creative.innovations.models import Innovation
from creative.network.demo import demo_people

from .categories import seed_categories
from .editing import refresh_covered_territories, set_authors, set_fiches
from .models import Article, ArticleAuthor, ArticleFiche, Category

PER_CATEGORY = 15
DOSSIER_SLUG = "demo-25-innovations-sociales-au-pays-de-brest"
DOSSIER_TITLE = "25 innovations sociales au pays de Brest"
DOSSIER_SIZE = 25
# Articles are spread over this many days before now.
SPAN_DAYS = 180

# Fiche titles are whole phrases: they are quoted (« … »), never declined into a sentence.
TITLES = {
    "actualite": [
        "« {fiche} » : une nouvelle saison commence",
        "{theme} : ce qui bouge cette semaine {at_commune}",
        "« {fiche} » cherche des bénévoles",
        "{at_commune_cap}, une initiative fête ses débuts",
        "Du nouveau pour « {fiche} »",
    ],
    "portrait": [
        "Portrait : celles et ceux qui font vivre « {fiche} »",
        "Rencontre {at_commune} avec une équipe de bénévoles",
        "« On a commencé à trois » : l'histoire de « {fiche} »",
        "Une journée avec l'équipe de « {fiche} »",
    ],
    "dossier": [
        "{theme} au pays de Brest : ce que nous apprennent les initiatives locales",
        "Dossier : {theme_lower}, comment s'y prendre {at_commune}",
        "Cinq pistes pour comprendre « {theme_lower} »",
    ],
    "compte-rendu-atelier": [
        "Compte rendu : l'atelier « {theme} » {at_commune}",
        "Ce qui s'est dit à l'atelier consacré à « {fiche} »",
        "Atelier {at_commune} : reproduire « {fiche} » ailleurs ?",
    ],
    "tribune": [
        "Tribune : « {theme_lower} » mérite mieux",
        "Et si on s'inspirait de « {fiche} » ?",
        "Tribune : {at_commune}, l'innovation sociale ne se décrète pas",
    ],
}
DEFAULT_TITLES = [
    "« {fiche} »",
    "{theme} : l'exemple de « {fiche} »",
]
LEADS = [
    "{at_commune_cap}, « {fiche} » montre qu'une idée simple, portée par quelques personnes motivées, "
    "peut changer le quotidien d'un quartier. Nous sommes allés voir comment.",
    "{pitch}",
    "Qu'est-ce qui fait tenir une initiative dans la durée ? L'équipe de « {fiche} » nous a ouvert ses portes "
    "et raconte ses réussites comme ses doutes.",
    "Le thème « {theme_lower} » revient souvent dans les échanges du réseau. Retour sur une initiative née "
    "{at_commune} qui a trouvé sa manière d'y répondre.",
]
PARAGRAPHS = [
    "Tout a commencé par une question simple, posée autour d'une table {at_commune} : « et si on essayait ? ». "
    "Quelques mois plus tard, [{fiche}]({url}) réunissait déjà une vingtaine de personnes.",
    "{pitch}",
    "Pour les personnes rencontrées, le plus important n'est pas l'outil mais le lien : « on vient pour "
    "rendre service, on revient pour les gens », résume une bénévole.",
    "L'initiative a dû surmonter des obstacles très concrets : trouver un local, assurer les activités, "
    "garder l'énergie des débuts. Le code source de la fiche détaille les solutions trouvées.",
    "Envie de reproduire l'expérience près de chez vous ? La fiche [{fiche}]({url}) décrit les étapes, "
    "les moyens nécessaires et les partenaires à solliciter.",
    "Prochaine étape : partager ce qui a marché avec d'autres communes du pays de Brest, lors des ateliers "
    "organisés par le réseau.",
]
HEADINGS = ["## Comment tout a commencé", "## Ce qui change", "## Et maintenant ?"]


def at_commune(name):
    """« à Brest », « au Relecq-Kerhuon », « aux Forges »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    return f"à {name}"


def _fiche_facts(fiche):
    communes = [place.commune.name for place in fiche.places.all()]
    themes = [theme.name for theme in fiche.themes.all()]
    commune = communes[0] if communes else "Brest"
    return {
        "fiche": fiche.title,
        "pitch": fiche.pitch,
        "commune": commune,
        "at_commune": at_commune(commune),
        "at_commune_cap": at_commune(commune)[:1].upper() + at_commune(commune)[1:],
        "theme": themes[0] if themes else "Innovation sociale",
        "theme_lower": (themes[0] if themes else "innovation sociale").lower(),
        "url": fiche.get_absolute_url(),
    }


def _body(rng, facts_list):
    parts = []
    for index, facts in enumerate(facts_list):
        if index < len(HEADINGS):
            parts.append(HEADINGS[index])
        for number in sorted(rng.sample(range(len(PARAGRAPHS)), 3)):  # in the story's order
            parts.append(PARAGRAPHS[number].format(**facts))
    return "\n\n".join(parts)


class _Loader:
    def __init__(self, now):
        self.now = now
        self.counts = {"articles": 0, "dossier_fiches": 0, "created": 0, "updated": 0}
        self.fiches = list(
            Innovation.objects.published().filter(is_demo=True)
            .prefetch_related("places__commune", "themes", "territories").order_by("pk")
        )
        self.people = list(demo_people().select_related("profile").order_by("email"))
        if not self.fiches:
            raise DemoDataError("No demo fiche is published: load the demo fiches first.")
        if not self.people:
            raise DemoDataError("No demo person exists: load the demo network first.")
        self.facts = {fiche.pk: _fiche_facts(fiche) for fiche in self.fiches}
        self.titles = set()
        self.existing = {a.slug: a for a in Article.objects.filter(slug__startswith="demo-")}
        real = sorted(slug for slug, article in self.existing.items() if not article.is_demo)
        if real:
            raise DemoDataError(f"A real article already uses the demo slug {real[0]!r}; nothing was changed.")

    def save(self, slug, values, fiches, authors, days_ago):
        article = self.existing.get(slug)
        if article is None:
            article = Article(slug=slug, is_demo=True, state=Article.State.PUBLISHED,
                              published_at=self.published_at(days_ago), **values)
            article.save()
            self.counts["created"] += 1
            changed = True
        else:
            changed = [name for name, value in values.items()
                       if getattr(article, name if name != "category" else "category_id")
                       != (value.pk if name == "category" else value)]
            if article.state != Article.State.PUBLISHED or article.published_at is None:
                article.state, article.published_at = Article.State.PUBLISHED, self.published_at(days_ago)
                changed.append("state")
            if changed:
                for name, value in values.items():
                    setattr(article, name, value)
                article.save()
        wanted_fiches = [(fiche.pk, note) for fiche, note in fiches]
        current_fiches = list(ArticleFiche.objects.filter(article=article).order_by("position", "pk")
                              .values_list("innovation_id", "note"))
        if current_fiches != wanted_fiches:
            set_fiches(article, fiches)
            changed = True
        wanted_authors = [user.pk for user in authors]
        if list(ArticleAuthor.objects.filter(article=article).order_by("position", "pk")
                .values_list("user_id", flat=True)) != wanted_authors:
            set_authors(article, authors)
            changed = True
        communes = {place.commune_id for fiche, _note in fiches for place in fiche.places.all()}
        if set(article.territories.values_list("pk", flat=True)) != communes:
            article.territories.set(communes)
            changed = True
        refresh_covered_territories(article)
        themes = {theme.pk for fiche, _note in fiches for theme in fiche.themes.all()}
        if set(article.themes.values_list("pk", flat=True)) != themes:
            article.themes.set(themes)
            changed = True
        if changed and slug in self.existing:
            self.counts["updated"] += 1
        self.counts["articles"] += 1
        return article

    def published_at(self, days_ago):
        moment = self.now - datetime.timedelta(days=days_ago)
        return moment.replace(hour=8, minute=30, second=0, microsecond=0)

    def category_articles(self, category):
        titles = TITLES.get(category.slug, DEFAULT_TITLES)
        for index in range(PER_CATEGORY):
            rng = random.Random(f"magazine-demo-{category.slug}-{index}")  # noqa: S311 (demo text, not security)
            for _attempt in range(20):  # another fiche when the title was already used
                picked = rng.sample(self.fiches, min(len(self.fiches), rng.choice((1, 2, 3))))
                facts = [self.facts[fiche.pk] for fiche in picked]
                title = titles[index % len(titles)].format(**facts[0])
                if title not in self.titles:
                    break
            self.titles.add(title)
            authors = rng.sample(self.people, min(len(self.people), rng.choice((1, 1, 2))))
            values = {
                "title": title[:200],
                "lead": rng.choice(LEADS).format(**facts[0])[:600],
                "body": _body(rng, facts),
                "category": category,
                "is_dossier": False,
                "cover_alt": "",
                "cover_credit": "",
            }
            days_ago = 1 + (index * SPAN_DAYS // PER_CATEGORY) + rng.randrange(0, 6)
            self.save(f"demo-{category.slug}-{index + 1}", values, [(f, "") for f in picked], authors, days_ago)

    def dossier(self):
        category = Category.objects.filter(slug="dossier").first() or Category.objects.order_by("position").first()
        picked = self.fiches[:DOSSIER_SIZE]
        intro = [
            "Ils réparent, cuisinent, jardinent, accueillent, transmettent. Voici, dans l'ordre où nous vous "
            f"proposons de les découvrir, {len(picked)} innovations sociales nées au pays de Brest.",
            "Chacune a sa fiche, avec son « code source » : comment elle est née, comment elle marche, "
            "et ce qu'il faut pour la reproduire ailleurs. La carte et la liste ci-dessous disent la même chose.",
        ]
        values = {
            "title": DOSSIER_TITLE,
            "lead": "Des repair cafés aux jardins partagés, des épiceries solidaires aux ateliers entre générations : "
                    "un tour du pays de Brest par les initiatives de ses habitants.",
            "body": "\n\n".join(intro),
            "category": category,
            "is_dossier": True,
            "cover_alt": "",
            "cover_credit": "",
        }
        fiches = [(fiche, self.facts[fiche.pk]["pitch"][:300]) for fiche in picked]
        self.save(DOSSIER_SLUG, values, fiches, self.people[:2], 3)
        self.counts["dossier_fiches"] = len(picked)

    def run(self):
        seed_categories()
        for category in Category.objects.all():
            self.category_articles(category)
        self.dossier()
        return self.counts


@transaction.atomic
def load_magazine_demo(*, now=None):
    """Create (or refresh) the demo articles. Needs the demo fiches and the demo people.

    Returns counts: articles, dossier_fiches, created, updated.
    """
    return _Loader(now or timezone.now()).run()


@transaction.atomic
def remove_magazine_demo():
    """Delete the demo articles (their links, signatures, revisions and review threads go with them,
    and the comments left on them)."""
    from django.contrib.contenttypes.models import ContentType

    from creative.comments.models import Comment

    articles = Article.objects.filter(is_demo=True)
    count = articles.count()
    Comment.objects.filter(content_type=ContentType.objects.get_for_model(Article),
                           object_id__in=articles.values("pk")).delete()
    articles.delete()
    return {"articles": count}
