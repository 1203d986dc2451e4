"""The audit log page: who did what, to what, when — for editors, moderators and administrators.

Newest first, filtered by object, person, action and dates. The log only grows, so pages
follow a cursor (the last entry shown) instead of counting the table: each page is one
indexed query, whatever the size of the log.
"""

import datetime
import json
from collections import defaultdict

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from creative.accounts.permissions import can_read_audit_log, requires
from creative.accounts.roles import Role

from .actions import grouped_choices
from .models import AuditEntry

PAGE_SIZE = 50
DATA_VALUE_LENGTH = 80
# Dates outside these years are typing mistakes (and would overflow once made timezone-aware).
FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_ID = 2**63 - 1  # the largest primary key a database stores


def object_label(target_type, target_id):
    """How the log's URLs name an object: "innovations.innovation:12"."""
    return f"{target_type.app_label}.{target_type.model}:{target_id}"


class LogFilters(forms.Form):
    objet = forms.CharField(
        label=gettext_lazy("Objet"), required=False, max_length=200,
        help_text=gettext_lazy("Type et numéro, par exemple innovations.innovation:12."),
    )
    personne = forms.IntegerField(
        label=gettext_lazy("Personne (numéro de compte)"), required=False, min_value=1,
        error_messages={
            "invalid": gettext_lazy("Le numéro de compte est un nombre entier."),
            "min_value": gettext_lazy("Le numéro de compte est un nombre entier positif."),
        },
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"), required=False,
        error_messages={"invalid_choice": gettext_lazy("Cette action n'existe pas dans le journal.")},
    )
    du = forms.DateField(
        label=gettext_lazy("Du"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Saisissez une date, par exemple 2026-11-28.")},
    )
    au = forms.DateField(
        label=gettext_lazy("Au (inclus)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Saisissez une date, par exemple 2026-11-28.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Toutes les actions")), *grouped_choices()]

    def clean_objet(self):
        value = self.cleaned_data["objet"].strip()
        if not value:
            return None
        type_label, colon, target_id = value.partition(":")
        app_label, dot, model = type_label.strip().lower().partition(".")
        target_id = target_id.strip()
        if not (colon and dot and app_label and model and target_id) or len(target_id) > 64:
            raise ValidationError(
                _("Écrivez l'objet sous la forme « type:numéro », par exemple innovations.innovation:12.")
            )
        try:
            target_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            raise ValidationError(
                _("Le type d'objet « %(type)s » n'existe pas."), params={"type": type_label.strip()}
            ) from None
        return target_type, target_id

    def clean_personne(self):
        value = self.cleaned_data["personne"]
        if value is not None and value > MAX_ID:
            raise ValidationError(_("Ce numéro de compte n'existe pas."))
        return value

    def _clean_date(self, name):
        value = self.cleaned_data[name]
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(
                _("Choisissez une date entre %(first)s et %(last)s."), params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    def clean_du(self):
        return self._clean_date("du")

    def clean_au(self):
        return self._clean_date("au")

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", _("La date de fin précède la date de début."))
        return data


def _start_of(day):
    """The first instant of `day` in the site's time zone (Europe/Paris)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_entries(filters):
    """The entries matching the valid filters (a bad one is left out, never fatal)."""
    entries = AuditEntry.objects.all()
    if filters.get("objet"):
        target_type, target_id = filters["objet"]
        entries = entries.filter(target_type=target_type, target_id=target_id)
    if filters.get("personne"):
        entries = entries.filter(actor_id=filters["personne"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("du"):
        entries = entries.filter(created_at__gte=_start_of(filters["du"]))
    if filters.get("au"):
        entries = entries.filter(created_at__lt=_start_of(filters["au"] + datetime.timedelta(days=1)))
    return entries


def _as_id(text):
    """A primary key written in a URL, or None."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def _after_cursor(entries, cursor):
    """Entries older than the entry `cursor` (the last one of the previous page), in the log's order."""
    found = AuditEntry.objects.filter(pk=cursor).values_list("created_at", flat=True).first()
    if found is None:
        return None
    return entries.filter(Q(created_at__lt=found) | Q(created_at=found, pk__lt=cursor))


def _target_urls(entries):
    """{(content type id, object id): URL} for the objects that still exist and have a page."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.target_type_id and entry.target_id:
            wanted[entry.target_type_id].add(entry.target_id)
    urls = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        pks = []
        for raw in ids:
            try:
                pks.append(model._meta.pk.to_python(raw))
            except ValidationError:
                continue
        for obj in model._base_manager.filter(pk__in=pks):
            urls[(type_id, str(obj.pk))] = obj.get_absolute_url()
    return urls


def _show_value(key, value):
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Truncator(str(value)).chars(DATA_VALUE_LENGTH)


class Row:
    """One entry as the table shows it."""

    def __init__(self, entry, urls):
        self.entry = entry
        self.url = urls.get((entry.target_type_id, entry.target_id))
        self.object_filter = object_label(entry.target_type, entry.target_id) if entry.target_type_id else ""
        data = entry.data if isinstance(entry.data, dict) else {"": entry.data}
        self.data = [(key, _show_value(key, value)) for key, value in sorted(data.items())]


def _person_name(user_id):
    user = get_user_model().objects.select_related("profile").filter(pk=user_id).first()
    if user is not None:
        return str(user.display_name)
    name = AuditEntry.objects.filter(actor_id=user_id).exclude(actor_name="").values_list("actor_name", flat=True)
    return name.first() or _("Membre n° %(id)s") % {"id": user_id}


def _object_name(target_type, target_id):
    name = AuditEntry.objects.filter(target_type=target_type, target_id=target_id).values_list("target_repr", flat=True)
    return name.first() or f"{target_type.name} n° {target_id}"


@require_GET
@requires(can_read_audit_log)
def log(request):
    form = LogFilters(request.GET)
    form.is_valid()  # invalid filters are reported and left out; the valid ones apply
    filters = form.cleaned_data
    entries = filtered_entries(filters)

    notices = []
    cursor = request.GET.get("suite", "")
    if cursor:
        cursor_id = _as_id(cursor)
        after = _after_cursor(entries, cursor_id) if cursor_id is not None else None
        if after is None:
            notices.append(_("Cette page du journal n'existe pas : voici les entrées les plus récentes."))
            cursor = ""
        else:
            entries = after

    page = list(entries.select_related("target_type").order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    urls = _target_urls(page)

    context = {
        "form": form,
        "notices": notices,
        "rows": [Row(entry, urls) for entry in page],
        "cursor": cursor,
        "next_cursor": page[-1].pk if has_next else None,
        "person": _person_name(filters["personne"]) if filters.get("personne") else None,
        "target": _object_name(*filters["objet"]) if filters.get("objet") else None,
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "audit/log.html", context)
