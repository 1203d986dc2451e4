"""How complete a fiche is, step by step and section by section, to guide its authors.

Computed from a snapshot (see revisions.snapshot), so it measures what the person is writing:
their pending proposal as well as a live fiche. Each item is *done*, *missing* or *short*
(written, but probably too brief to be useful to someone who wants to reproduce the
innovation), and comes with what a good answer contains. Nothing here blocks anything: the
rules that block a submission are workflow.submission_blockers.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from creative.innovations.models import Section

# Below these lengths (in characters) a written text is "un peu court".
SECTION_MIN_LENGTH = 200
DESCRIPTION_MIN_LENGTH = 300
PITCH_MIN_LENGTH = 60

DONE, SHORT, MISSING = "done", "short", "missing"
STATUS_LABELS = {
    DONE: _("fait"),
    SHORT: _("à étoffer"),
    MISSING: _("à compléter"),
}
SHORT_ANSWER = _("un peu courte")
# Weight of each status in the overall percentage.
SCORES = {DONE: 1.0, SHORT: 0.5, MISSING: 0.0}

STEPS = (
    ("identite", _("Identité")),
    ("lieux", _("Lieux")),
    ("code-source", _("Code source")),
    ("images", _("Images")),
    ("licence", _("Licence et envoi")),
)
STEP_SLUGS = tuple(slug for slug, _label in STEPS)


@dataclass
class Item:
    key: str
    label: str
    status: str
    help: str = ""
    short_label: str = ""  # how "short" reads for this item ("un peu courte" for an answer)

    @property
    def status_label(self):
        if self.status == SHORT and self.short_label:
            return self.short_label
        return STATUS_LABELS[self.status]

    @property
    def is_done(self):
        return self.status == DONE


@dataclass
class StepReport:
    slug: str
    label: str
    items: list = field(default_factory=list)

    @property
    def status(self):
        statuses = {item.status for item in self.items}
        if MISSING in statuses:
            return MISSING
        if SHORT in statuses:
            return SHORT
        return DONE

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def todo(self):
        return [item for item in self.items if item.status != DONE]


@dataclass
class Report:
    steps: list

    def step(self, slug):
        return next(step for step in self.steps if step.slug == slug)

    @property
    def by_slug(self):
        return {step.slug: step for step in self.steps}

    @property
    def sections(self):
        """The code-source items, keyed by section slug."""
        return {item.key.removeprefix("sections."): item for item in self.step("code-source").items}

    @property
    def items(self):
        return [item for step in self.steps for item in step.items]

    @property
    def percent(self):
        items = self.items
        if not items:
            return 100
        return round(100 * sum(SCORES[item.status] for item in items) / len(items))

    @property
    def first_incomplete_step(self):
        return next((step.slug for step in self.steps if step.status != DONE), STEP_SLUGS[0])


def _text_status(text, minimum):
    text = (text or "").strip()
    if not text:
        return MISSING
    return SHORT if len(text) < minimum else DONE


def _present(value):
    return DONE if value else MISSING


def completeness(data, *, image_count=0, sections=None):
    """The Report of snapshot `data` (a fiche with `image_count` images), over the active sections."""
    if sections is None:
        sections = list(Section.objects.active())
    identity = StepReport("identite", str(STEPS[0][1]), [
        Item("title", _("Titre"), _present((data.get("title") or "").strip()),
             _("Un nom court, celui que les gens du coin emploient.")),
        Item("pitch", _("En bref"), _text_status(data.get("pitch"), PITCH_MIN_LENGTH),
             _("En une ou deux phrases : ce que c'est, pour qui, où.")),
        Item("themes", _("Thèmes"), _present(data.get("themes")),
             _("Au moins un thème, pour que la fiche soit trouvée.")),
        Item("carrier", _("Porteur"), _present(data.get("carrier_name") or data.get("carrier_kind")),
             _("La structure ou le collectif qui porte l'innovation.")),
        Item("description", _("Description"), _text_status(data.get("description"), DESCRIPTION_MIN_LENGTH),
             _("Ce que fait l'innovation, pour qui, et ce qu'elle change : quelques paragraphes.")),
    ])
    places = StepReport("lieux", str(STEPS[1][1]), [
        Item("places", _("Lieux"), _present(data.get("places")),
             _("Au moins une commune où l'innovation a lieu ; une adresse ou un point précis si c'est un lieu "
               "ouvert au public.")),
    ])
    answers = data.get("sections") or {}
    code_source = StepReport("code-source", str(STEPS[2][1]), [
        Item(f"sections.{section.slug}", section.title,
             _text_status(answers.get(section.slug), SECTION_MIN_LENGTH), section.help_text, SHORT_ANSWER)
        for section in sections
    ])
    images = StepReport("images", str(STEPS[3][1]), [
        Item("images", _("Images"), _present(image_count),
             _("Une photo au moins, avec sa description pour les personnes qui ne la voient pas, et ses crédits.")),
    ])
    licence = StepReport("licence", str(STEPS[4][1]), [
        Item("licence", _("Licence"), _present(data.get("licence")),
             _("La licence sous laquelle la fiche peut être réutilisée.")),
    ])
    return Report([identity, places, code_source, images, licence])


def completeness_of(innovation, data=None):
    """The Report of a fiche, from `data` (defaults to its stored content)."""
    from .revisions import snapshot

    return completeness(data if data is not None else snapshot(innovation), image_count=innovation.images.count())
