"""Forms of the organisers and editors: propose or edit an event, decide, cancel, write to attendees.

Everything works without JavaScript. Times are typed in local Europe/Paris wall-clock time (a
date and a time, as people read a poster) and stored as aware datetimes; a time that does not
exist (the hour skipped when summer time starts) is refused with a French message. The commune
is typed as text (name or postal code) and resolved on the server; the autocomplete module
(static/js/commune-autocomplete.js) only offers suggestions and fills the hidden INSEE code.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from creative.accounts.forms import CommuneField
from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.innovations.models import Innovation, SlugRedirect, Theme
from creative.network.forms import TextField, slug_from
from creative.network.models import Organisation
from creative.territories import lookup
from creative.territories.models import Territory

from .models import EventKind

MAX_OCCURRENCES = 52
MAX_LINKED_FICHES = 20
MARKDOWN_HELP = _("En Markdown : **gras**, *italique*, une ligne commençant par « - » pour une liste, "
                  "[texte du lien](https://…) pour un lien.")


class Repeat:
    """The recurrences offered: (days between two dates, RRULE-like text kept on the Series)."""

    NONE, WEEKLY, BIWEEKLY, DAILY = "", "hebdomadaire", "quinzaine", "quotidienne"
    CHOICES = [
        (NONE, _("Ne pas répéter")),
        (WEEKLY, _("Chaque semaine")),
        (BIWEEKLY, _("Toutes les deux semaines")),
        (DAILY, _("Chaque jour")),
    ]
    STEP_DAYS = {WEEKLY: 7, BIWEEKLY: 14, DAILY: 1}
    RULES = {WEEKLY: "FREQ=WEEKLY", BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2", DAILY: "FREQ=DAILY"}


# Time ------------------------------------------------------------------------------------------

class NonexistentTime(ValueError):
    """A local wall-clock time skipped by a daylight-saving change."""


def local_datetime(day, time):
    """The aware datetime of `day` at `time`, Europe/Paris wall-clock (TIME_ZONE).

    A time skipped when summer time starts (02:30 on the last Sunday of March) raises
    NonexistentTime; a repeated one (the last Sunday of October) is read as the first, summer time.
    """
    zone = timezone.get_default_timezone()
    naive = datetime.combine(day, time).replace(second=0, microsecond=0)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentTime(naive)
    return aware


def occurrence_days(first_day, repeat, count):
    """The local dates of a series: `count` dates `Repeat.STEP_DAYS[repeat]` days apart."""
    if not repeat or count <= 1:
        return [first_day]
    step = Repeat.STEP_DAYS[repeat]
    return [first_day + timedelta(days=step * i) for i in range(count)]


def describe_local(moment):
    """« mardi 4 novembre 2025 à 18:30 » in local time."""
    return date_format(timezone.localtime(moment), r"l j F Y \à H:i")


# Commune ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommuneValue:
    """What the commune input shows: the text, and the INSEE code when it names a known commune."""

    text: str
    code: str = ""

    def __str__(self):
        return self.text


class CommuneInput(forms.TextInput):
    """A text input for the commune, followed by the hidden INSEE code the autocomplete fills."""

    def __init__(self, attrs=None):
        super().__init__({"data-commune-autocomplete": "", "autocomplete": "off", **(attrs or {})})

    def code_name(self, name):
        return f"{name}_code"

    def value_from_datadict(self, data, files, name):
        return (data.get(name) or "", data.get(self.code_name(name)) or "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        text = str(value) if value is not None else ""
        return text or None

    def render(self, name, value, attrs=None, renderer=None):
        code = value.code if isinstance(value, CommuneValue) else ""
        text_input = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<input type="hidden" name="{}" value="{}" data-commune-code>', text_input, self.code_name(name), code,
        )


class CommuneTextField(CommuneField):
    """CommuneField typed as text: a name, a postal code or a suggestion's label, resolved to a commune."""

    widget = CommuneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Territory.objects.communes())
        super().__init__(**kwargs)
        self.widget.attrs["data-endpoint"] = reverse_lazy("territories:communes")

    def prepare_value(self, value):
        if isinstance(value, CommuneValue):
            return value
        if isinstance(value, tuple):
            return CommuneValue(*value)
        if isinstance(value, Territory):
            value = value.pk
        if value in (None, ""):
            return CommuneValue("")
        entry = next((e for e in lookup.commune_index() if e.pk == value), None)
        return CommuneValue(entry.label, entry.code) if entry else CommuneValue(str(value))

    def to_python(self, value):
        text, code = value if isinstance(value, tuple) else (value or "", "")
        text = " ".join(str(text).split())[: lookup.MAX_QUERY_LENGTH]
        if not text:
            return None
        if code:
            entry = next((e for e in lookup.commune_index() if e.code == code), None)
            if entry is not None and lookup.fold(text) in (entry.folded, lookup.fold(entry.label)):
                commune = Territory.objects.communes().filter(pk=entry.pk).first()
                if commune is not None:
                    return commune
        commune, message = lookup.resolve_commune(text)
        if commune is None:
            raise ValidationError(message, code="invalid_choice")
        return commune

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old = initial.pk if isinstance(initial, Territory) else initial
        return (new.pk if new else None) != (old or None)


# Fiches ------------------------------------------------------------------------------------------

def own_fiches(user):
    """The published fiches `user` wrote or carries, to choose from."""
    if not user.is_authenticated:
        return Innovation.objects.none()
    return (
        Innovation.objects.published()
        .filter(Q(authorships__user=user) | Q(team__user=user, team__kind="carrier"))
        .distinct().order_by("title")
    )


def find_fiches(text):
    """Published fiches named one a line (or separated by commas) by address or slug: (fiches, unknown names)."""
    found, unknown = [], []
    for raw in text.replace(",", "\n").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        slug = slug_from(raw)
        fiche = Innovation.objects.published().filter(slug=slug).first()
        if fiche is None:
            redirect = SlugRedirect.objects.select_related("innovation").filter(old_slug=slug).first()
            if redirect is not None and redirect.innovation.is_published:
                fiche = redirect.innovation
        if fiche is None:
            unknown.append(raw[:120])
        elif fiche not in found:
            found.append(fiche)
    return found, unknown


# The event form -----------------------------------------------------------------------------------

class EventForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    """Propose (with a recurrence) or edit (without) an event.

    `user` is the person filling it in (their organisations and fiches are offered); `event` the
    event edited (None: a new one). Once valid, `apply(event)` copies the values onto an Event
    and `starts_at`/`ends_at`/`dates()` give the dates.
    """

    spam_trap_name = "events.event"
    link_limited_fields = ("description",)

    title = forms.CharField(
        label=_("Titre"), max_length=200,
        help_text=_("Par exemple : « Atelier d'écriture publique : le portrait ». 200 caractères au plus."),
        error_messages={"required": _("Donnez un titre à l'événement.")},
    )
    kind = forms.ModelChoiceField(
        label=_("Type d'événement"), queryset=EventKind.objects.all(), empty_label=_("— Choisissez —"),
        error_messages={"required": _("Choisissez le type d'événement (« Autre » s'il n'est pas dans la liste).")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("— Aucune, je l'organise à titre personnel —"),
        help_text=_("Facultative : une organisation dont vous êtes membre. Ses responsables pourront aussi "
                    "gérer l'événement."),
    )
    description = TextField(
        label=_("Description"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Le programme, pour qui, ce qu'il faut apporter. ") + MARKDOWN_HELP,
        error_messages={"required": _("Décrivez l'événement en quelques lignes.")},
    )

    start_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Par exemple : 2025-11-04 (année-mois-jour)."),
        error_messages={"required": _("Indiquez la date de l'événement."),
                        "invalid": _("Indiquez une date valide, par exemple 2025-11-04.")},
    )
    start_time = forms.TimeField(
        label=_("Heure de début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Heure de Brest, par exemple 18:30."),
        error_messages={"required": _("Indiquez l'heure de début."),
                        "invalid": _("Indiquez une heure valide, par exemple 18:30.")},
    )
    end_date = forms.DateField(
        label=_("Date de fin"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Facultative : seulement si l'événement dure plusieurs jours."),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 2025-11-04.")},
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Indiquez l'heure de fin."),
                        "invalid": _("Indiquez une heure valide, par exemple 20:30.")},
    )

    is_online = forms.BooleanField(
        label=_("En ligne"), required=False,
        help_text=_("Cochez si l'événement a lieu en visioconférence (avec ou sans lieu)."),
    )
    online_url = forms.CharField(
        label=_("Lien de connexion"), required=False, max_length=200,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_("Montré aux seules personnes inscrites, peu avant le début. Vous pouvez l'ajouter plus tard."),
    )
    commune = CommuneTextField(
        label=_("Commune"), required=False,
        help_text=_("Son nom ou son code postal, par exemple « Plougastel-Daoulas » ou « 29470 ». "
                    "Facultative pour un événement en ligne."),
    )
    address = forms.CharField(
        label=_("Adresse"), required=False, max_length=255, widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Facultative, publique : le lieu de rendez-vous (salle, rue), jamais l'adresse d'une personne."),
    )
    latitude = forms.FloatField(
        label=_("Latitude du point précis"), required=False, min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Facultative, avec la longitude, en degrés décimaux : par exemple 48.3904."),
        error_messages={"invalid": _("Indiquez la latitude en degrés décimaux, par exemple 48.3904.")},
    )
    longitude = forms.FloatField(
        label=_("Longitude du point précis"), required=False, min_value=-180, max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Facultative, avec la latitude : par exemple -4.4861."),
        error_messages={"invalid": _("Indiquez la longitude en degrés décimaux, par exemple -4.4861.")},
    )

    capacity = forms.IntegerField(
        label=_("Nombre de places"), required=False, min_value=1, max_value=100000,
        help_text=_("Vide : sans limite. Une fois les places prises, les inscriptions passent en liste d'attente."),
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Ouverture des inscriptions"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Facultative : vide, les inscriptions sont ouvertes dès la publication."),
        error_messages={"invalid": _("Indiquez une date et une heure valides, par exemple 2025-10-20 09:00.")},
    )
    registration_closes_at = forms.DateTimeField(
        label=_("Clôture des inscriptions"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Facultative : vide, les inscriptions restent ouvertes jusqu'au début."),
        error_messages={"invalid": _("Indiquez une date et une heure valides, par exemple 2025-11-03 18:00.")},
    )
    is_free = forms.BooleanField(label=_("Gratuit"), required=False, initial=True)
    price_info = forms.CharField(
        label=_("Tarif"), required=False, max_length=200,
        help_text=_("Facultatif : par exemple « 5 €, gratuit pour les adhérents » ou « participation libre »."),
    )
    accessibility = TextField(
        label=_("Accessibilité"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Accès en fauteuil roulant, boucle magnétique, interprétation en langue des signes, "
                    "garde d'enfants…"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), required=False, queryset=Theme.objects.all(), to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    own_fiches = forms.ModelMultipleChoiceField(
        label=_("Vos fiches"), required=False, queryset=Innovation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les fiches publiées dont vous êtes autrice, auteur ou porteur que l'événement concerne."),
    )
    other_fiches = forms.CharField(
        label=_("Autres fiches"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("L'adresse de chaque fiche publiée (ou sa fin, par exemple « repair-cafe-du-bellevue »), "
                    "une par ligne."),
    )

    repeat = forms.ChoiceField(
        label=_("Répéter"), required=False, choices=Repeat.CHOICES, initial=Repeat.NONE, widget=forms.RadioSelect,
        help_text=_("Chaque date devient un événement à part, avec ses propres inscriptions."),
    )
    occurrences = forms.IntegerField(
        label=_("Nombre de dates"), required=False, min_value=2, max_value=MAX_OCCURRENCES,
        help_text=_("En comptant la première, 52 au plus."),
        error_messages={
            "min_value": _("Une série compte au moins 2 dates."),
            "max_value": _("Une série compte %(limit_value)s dates au plus."),
        },
    )

    PLACE_FIELDS = ("is_online", "online_url", "commune", "address", "latitude", "longitude")
    DATE_FIELDS = ("start_date", "start_time", "end_date", "end_time")
    REPEAT_FIELDS = ("repeat", "occurrences")

    def __init__(self, data=None, *, user, event=None, with_recurrence=None, now=None, **kwargs):
        self.user = self.author = user
        self.event = event
        self.with_recurrence = event is None if with_recurrence is None else with_recurrence
        self.now = now or timezone.now()
        if event is not None:
            kwargs["initial"] = {**self.initial_from(event, user), **kwargs.get("initial", {})}
        super().__init__(data, **kwargs)
        mine = Q(memberships__user=user) if user.is_authenticated else Q(pk__in=[])
        current = Q(pk=event.organisation_id) if event is not None and event.organisation_id else Q(pk__in=[])
        self.fields["organisation"].queryset = Organisation.objects.filter(mine | current).distinct().order_by("name")
        self.fields["own_fiches"].queryset = own_fiches(user)
        if not self.with_recurrence:
            for name in self.REPEAT_FIELDS:
                del self.fields[name]
        self.starts_at = self.ends_at = None
        self.linked_fiches = []
        self._dates = []

    @staticmethod
    def initial_from(event, user):
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        mine = set(own_fiches(user).filter(events=event).values_list("pk", flat=True))
        linked = list(event.innovations.order_by("title"))
        return {
            "title": event.title,
            "kind": event.kind_id,
            "organisation": event.organisation_id,
            "description": event.description,
            "start_date": start.date(),
            "start_time": start.time(),
            "end_date": end.date() if end.date() != start.date() else None,
            "end_time": end.time(),
            "is_online": event.is_online,
            "online_url": event.online_url,
            "commune": event.commune_id,
            "address": event.address,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "capacity": event.capacity,
            "registration_opens_at": timezone.localtime(event.registration_opens_at)
            if event.registration_opens_at else None,
            "registration_closes_at": timezone.localtime(event.registration_closes_at)
            if event.registration_closes_at else None,
            "is_free": event.is_free,
            "price_info": event.price_info,
            "accessibility": event.accessibility,
            "themes": list(event.themes.values_list("slug", flat=True)),
            "own_fiches": sorted(mine),
            "other_fiches": "\n".join(f.slug for f in linked if f.pk not in mine),
        }

    # Groups of fields, for the template's fieldsets.
    def fields_of(self, *names):
        return [self[name] for name in names if name in self.fields]

    @property
    def about_fields(self):
        return self.fields_of("title", "kind", "organisation", "description")

    @property
    def date_fields(self):
        return self.fields_of(*self.DATE_FIELDS)

    @property
    def repeat_fields(self):
        return self.fields_of(*self.REPEAT_FIELDS)

    @property
    def place_fields(self):
        return self.fields_of("is_online", "online_url", "commune", "address")

    @property
    def registration_fields(self):
        return self.fields_of("capacity", "registration_opens_at", "registration_closes_at", "is_free", "price_info")

    @property
    def more_fields(self):
        return self.fields_of("accessibility", "themes")

    @property
    def fiche_fields(self):
        return self.fields_of("own_fiches", "other_fiches")

    # Checks -------------------------------------------------------------------------------------

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_online_url(self):
        url = (self.cleaned_data.get("online_url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["https", "http"])(url)
            except ValidationError:
                raise ValidationError(
                    _("Indiquez l'adresse complète du lien, commençant par https://."), code="invalid_url",
                ) from None
        return url

    def clean_other_fiches(self):
        fiches, unknown = find_fiches(self.cleaned_data.get("other_fiches") or "")
        if unknown:
            raise ValidationError(
                _("Fiche publiée introuvable : %(names)s. Copiez l'adresse de la page de la fiche."),
                code="unknown_fiche", params={"names": ", ".join(f"« {name} »" for name in unknown[:5])},
            )
        self.found_fiches = fiches
        return self.cleaned_data.get("other_fiches") or ""

    def clean(self):
        cleaned = super().clean()
        self._clean_dates(cleaned)
        self._clean_place(cleaned)
        self._clean_registration(cleaned)
        fiches = list(cleaned.get("own_fiches") or [])
        fiches += [f for f in getattr(self, "found_fiches", []) if f not in fiches]
        if len(fiches) > MAX_LINKED_FICHES:
            self.add_error("other_fiches", ValidationError(
                _("Liez %(max)s fiches au plus."), code="too_many_fiches", params={"max": MAX_LINKED_FICHES}))
        self.linked_fiches = fiches
        return cleaned

    def _skipped_hour(self, field, day, time):
        self.add_error(field, ValidationError(
            _("Le %(day)s à %(time)s n'existe pas : les horloges passent de 2 h à 3 h à l'heure d'été. "
              "Choisissez une autre heure."),
            code="nonexistent_time", params={"day": date_format(day, "j F Y"), "time": time.strftime("%H:%M")},
        ))

    def _clean_dates(self, cleaned):
        self._dates = []
        day, start, end_day, end = (cleaned.get(name) for name in self.DATE_FIELDS)
        repeat, count = Repeat.NONE, 1
        if self.with_recurrence:
            repeat = cleaned.get("repeat") or Repeat.NONE
            count = cleaned.get("occurrences") or 1
            if repeat and not cleaned.get("occurrences") and "occurrences" not in self.errors:
                self.add_error("occurrences", ValidationError(
                    _("Indiquez le nombre de dates de la série (2 à %(max)s)."), code="required",
                    params={"max": MAX_OCCURRENCES}))
        if day is None or start is None or end is None:
            return
        length = ((end_day or day) - day).days
        dates = []
        for other in occurrence_days(day, repeat, count):
            for field, moment in (("start_time", (other, start)), ("end_time", (other + timedelta(days=length), end))):
                try:
                    local_datetime(*moment)
                except NonexistentTime:
                    self._skipped_hour(field, *moment)
                    return
            dates.append((local_datetime(other, start), local_datetime(other + timedelta(days=length), end)))
        starts_at, ends_at = dates[0]
        if ends_at <= starts_at:
            self.add_error("end_time", ValidationError(
                _("La fin doit venir après le début (%(start)s)."), code="end_before_start",
                params={"start": describe_local(starts_at)}))
            return
        date_changed = self.event is None or starts_at != self.event.starts_at or ends_at != self.event.ends_at
        if date_changed and starts_at <= self.now:
            self.add_error("start_date", ValidationError(
                _("Cette date est passée : l'agenda annonce des événements à venir."), code="past"))
            return
        self.starts_at, self.ends_at = starts_at, ends_at
        self._dates = dates

    def dates(self):
        """[(starts_at, ends_at), …] of every date of a valid form (one unless a recurrence was chosen)."""
        return list(self._dates)

    def _clean_place(self, cleaned):
        if not cleaned.get("is_online"):
            cleaned["online_url"] = ""
            if cleaned.get("commune") is None and "commune" not in self.errors:
                self.add_error("commune", ValidationError(
                    _("Indiquez la commune où a lieu l'événement, ou cochez « En ligne »."), code="no_place"))
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        point_errors = "latitude" in self.errors or "longitude" in self.errors
        if not point_errors and (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, ValidationError(
                _("Indiquez la latitude et la longitude ensemble, ou aucune des deux."), code="incomplete_point"))

    def _clean_registration(self, cleaned):
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if closes is not None and self.starts_at is not None and closes > self.starts_at:
            self.add_error("registration_closes_at", ValidationError(
                _("La clôture des inscriptions doit venir avant le début de l'événement (%(start)s)."),
                code="closes_after_start", params={"start": describe_local(self.starts_at)}))
        if opens is not None and closes is not None and opens >= closes:
            self.add_error("registration_opens_at", ValidationError(
                _("L'ouverture des inscriptions doit venir avant leur clôture."), code="opens_after_closes"))
        elif opens is not None and self.starts_at is not None and opens >= self.starts_at:
            self.add_error("registration_opens_at", ValidationError(
                _("L'ouverture des inscriptions doit venir avant le début de l'événement."),
                code="opens_after_start"))

    # Results --------------------------------------------------------------------------------------

    def apply(self, event, *, starts_at=None, ends_at=None):
        """Copy the cleaned values onto `event` (not saved); the dates default to the first ones."""
        data = self.cleaned_data
        event.title = data["title"]
        event.kind = data["kind"]
        event.organisation = data.get("organisation")
        event.description = data["description"]
        event.starts_at = starts_at or self.starts_at
        event.ends_at = ends_at or self.ends_at
        event.is_online = bool(data.get("is_online"))
        event.online_url = data.get("online_url") or ""
        event.commune = data.get("commune")
        event.address = (data.get("address") or "").strip()
        event.latitude, event.longitude = data.get("latitude"), data.get("longitude")
        event.capacity = data.get("capacity")
        shift = (event.starts_at - self.starts_at) if self.starts_at else timedelta(0)
        event.registration_opens_at = self._shifted(data.get("registration_opens_at"), shift)
        event.registration_closes_at = self._shifted(data.get("registration_closes_at"), shift)
        event.is_free = bool(data.get("is_free"))
        event.price_info = (data.get("price_info") or "").strip()
        event.accessibility = data.get("accessibility") or ""
        return event

    @staticmethod
    def _shifted(moment, shift):
        """A registration date moved with its event in a series: the same local time, so many days later."""
        if moment is None or not shift:
            return moment
        local = timezone.localtime(moment)
        days = round(shift.total_seconds() / 86400)
        moved = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=timezone.get_default_timezone())
        return moved

    @property
    def repeat_rule(self):
        """The Series rule ("FREQ=WEEKLY;COUNT=10"), "" for a single date."""
        if not self.with_recurrence:
            return ""
        repeat = self.cleaned_data.get("repeat") or Repeat.NONE
        count = self.cleaned_data.get("occurrences") or 1
        if not repeat or count <= 1:
            return ""
        return f"{Repeat.RULES[repeat]};COUNT={count}"


# Decisions, cancellation, messages -------------------------------------------------------------

class DecisionForm(forms.Form):
    """An editor publishes or rejects a proposed event (and, for a series, its other proposed dates)."""

    PUBLISH, REJECT = "publier", "refuser"

    decision = forms.ChoiceField(
        label=_("Décision"), choices=[(PUBLISH, _("Publier")), (REJECT, _("Refuser"))],
        error_messages={"required": _("Choisissez de publier ou de refuser l'événement."),
                        "invalid_choice": _("Choisissez de publier ou de refuser l'événement.")},
    )
    reason = TextField(
        label=_("Motif du refus"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus : il est envoyé à la personne qui organise."),
    )
    whole_series = forms.BooleanField(
        label=_("Appliquer à toutes les dates proposées de la série"), required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", ValidationError(
                _("Le motif du refus est obligatoire : il est envoyé à la personne qui organise."), code="required"))
        return cleaned


class CancelForm(forms.Form):
    message = TextField(
        label=_("Message aux personnes inscrites"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facultatif : la raison de l'annulation, une date de report…"),
    )


class AttendeeMessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Objet"), max_length=150, error_messages={"required": _("Indiquez l'objet du message.")},
    )
    message = TextField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("En texte simple. Chaque personne reçoit son propre message : personne ne voit l'adresse des "
                    "autres."),
        error_messages={"required": _("Écrivez votre message.")},
    )
    include_waiting = forms.BooleanField(
        label=_("Écrire aussi aux personnes sur liste d'attente"), required=False,
    )

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())


class CheckInForm(forms.Form):
    """Mark a registration present ("1" or "true"), absent ("0" or "false") or not marked ("")."""

    attended = forms.TypedChoiceField(
        choices=[("1", _("présent·e")), ("true", _("présent·e")), ("0", _("absent·e")), ("false", _("absent·e")),
                 ("", _("non noté"))],
        required=False, coerce=lambda value: value in ("1", "true"), empty_value=None,
    )
