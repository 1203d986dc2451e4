"""factory_boy factories and small data helpers shared by the tests."""

import csv
import tempfile
from pathlib import Path

import factory
from django.conf import settings

from creative.innovations.models import Answer, CarrierKind, Innovation, Place, Section, Theme
from creative.territories.importer import import_territories
from creative.territories.models import Territory

# Communes outside the pays de Brest kept in the sample, to test the hierarchy around it.
EXTRA_COMMUNES = {"29232", "35238", "22278", "56260"}  # Quimper, Rennes, Saint-Brieuc, Vannes


def load_sample_territories():
    """Import the pays de Brest and a few other communes from the real reference file."""
    with open(settings.BASE_DIR / "data" / "communes-bretagne.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["pays"] == "Pays de Brest" or r["insee"] in EXTRA_COMMUNES]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
            writer.writeheader()
            writer.writerows(rows)
        import_territories(path)
    return {t.slug: t for t in Territory.objects.all()}


def commune(name):
    return Territory.objects.get(level=Territory.Level.COMMUNE, name=name)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class InnovationFactory(factory.django.DjangoModelFactory):
    """A published fiche; pass `communes=[...]` (names) and `themes=[...]` (slugs)."""

    class Meta:
        model = Innovation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Innovation numéro {n}")
    pitch = "Une initiative locale qui rassemble les habitants."
    description = "Une description en **Markdown**."
    state = Innovation.State.PUBLISHED
    carrier_kind = factory.LazyFunction(lambda: CarrierKind.objects.get(slug="association"))
    carrier_name = "Association des amis"

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        for name in extracted or ():
            Place.objects.create(innovation=self, commune=commune(name))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if extracted:
            self.themes.set(Theme.objects.filter(slug__in=extracted))

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        for slug, body in (extracted or {}).items():
            Answer.objects.create(innovation=self, section=Section.objects.get(slug=slug), body=body)


class UserFactory(factory.django.DjangoModelFactory):
    """An account with its profile.

    `verified=False` leaves the email address unconfirmed (not yet a contributor);
    `roles=[Role.EDITOR, …]` grants roles; `scopes=["pays-de-brest"]` gives an editor
    territories (slugs); `password="…"` sets a usable password (none by default: tests
    sign in with `client.force_login`).
    """

    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from creative.accounts.roles import grant

        for role in extracted or ():
            grant(self, role)

    @factory.post_generation
    def scopes(self, create, extracted, **kwargs):
        from creative.accounts.models import EditorScope

        for slug in extracted or ():
            EditorScope.objects.create(user=self, territory=Territory.objects.get(slug=slug))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Profile"

    user = factory.SubFactory(UserFactory, profile=None)
    display_name = factory.Sequence(lambda n: f"Camille {n}")


# --- The weekly letter (creative.letters): delivery helpers' factories ---------------------------


def _letter_now(days_ago=0):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(days=days_ago)


class LetterSubscriberFactory(factory.django.DjangoModelFactory):
    """An ACTIVE (confirmed) subscriber of the weekly letter; ``territories``/``themes``: lists."""

    class Meta:
        model = "letters.Subscriber"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"abonne{n}@exemple-lettre.fr")
    state = "active"
    consent_text = "J'accepte de recevoir la lettre de la semaine."
    consent_at = factory.LazyFunction(_letter_now)
    confirmed_at = factory.SelfAttribute("consent_at")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.territories.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class LetterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "letters.Issue"

    number = factory.Sequence(lambda n: n + 1)
    subject = factory.Sequence(lambda n: f"La lettre de la semaine n° {n + 1}")
    period_start = factory.LazyFunction(lambda: _letter_now(7))
    period_end = factory.LazyFunction(_letter_now)


class LetterItemFactory(factory.django.DjangoModelFactory):
    """An item of a letter; ``territories``/``themes``: lists (none: for everybody)."""

    class Meta:
        model = "letters.IssueItem"
        skip_postgeneration_save = True

    issue = factory.SubFactory(LetterIssueFactory)
    kind = "innovation"
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Initiative n° {n}")
    summary = "Une initiative du territoire."
    url = factory.Sequence(lambda n: f"/fiches/initiative-{n}/")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.territories.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
