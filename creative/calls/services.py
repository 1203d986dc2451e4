"""Calls for help: who may publish them, saving with the anti-spam check, and the open-calls search."""

from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from creative.accounts.permissions import can_contribute, can_review, has_author_rights
from creative.antispam.scoring import assess, remember
from creative.audit import record
from creative.innovations.search import terms

from .models import CallForHelp

HELD_MESSAGE = _(
    "Votre appel n'a pas pu être publié : son texte ressemble à un message indésirable (liens nombreux, "
    "vocabulaire publicitaire, texte répété…). Reformulez-le puis enregistrez à nouveau : ce que vous avez écrit "
    "est conservé. En cas de doute, l'équipe éditoriale de votre territoire peut vous aider."
)
# Fields whose change is worth a line in the audit log.
AUDITED_FIELDS = ("kind", "title", "description", "status", "ends_on")
MAX_QUERY_TERMS = 12


def may_manage_calls(user, fiche):
    """Publish, edit and close a fiche's calls: its authors and carriers, and its editors."""
    return can_contribute(user) and (has_author_rights(user, fiche) or can_review(user, fiche))


def spam_verdict(form, fiche, user, request=None):
    """Score the call's title and description; a held text is refused (calls have no moderation state)."""
    texts = [form.cleaned_data.get("title") or "", form.cleaned_data.get("description") or ""]
    return assess(texts, author=user, kind="call", scope=f"innovation:{fiche.pk}", request=request)


def save_call(form, fiche, user, request=None):
    """Save a valid CallForm on `fiche` for `user`; None (and a form error) when the text is held as spam."""
    verdict = spam_verdict(form, fiche, user, request)
    if verdict.held:
        form.add_error(None, HELD_MESSAGE)
        return None
    creating = form.instance.pk is None
    changed = [name for name in form.changed_data if name in AUDITED_FIELDS]
    with transaction.atomic():
        call = form.save(commit=False)
        call.innovation = fiche
        if creating:
            call.created_by = user
        call.save()
        data = {"call": call.pk, "title": call.title, "kind": call.kind, "status": call.status}
        if creating:
            record(user, "call.created", fiche, **data)
        elif changed:
            record(user, "call.updated", fiche, fields=changed, **data)
    remember([call.title, call.description], scope=f"innovation:{fiche.pk}")
    return call


def delete_call(call, user):
    fiche = call.innovation
    with transaction.atomic():
        record(user, "call.deleted", fiche, call=call.pk, title=call.title, kind=call.kind, status=call.status)
        call.delete()


def search_calls(queryset, text):
    """Calls of `queryset` whose words hold every term of `text` (French stems, like the fiche search).

    `search_text` is the call's normalised words separated by spaces: padded with a space on
    each side, " <stem> " matches whole words only ("velo" does not match "velodrome").
    """
    wanted = list(dict.fromkeys(terms(text or "")))[:MAX_QUERY_TERMS]
    if not wanted:
        return queryset
    queryset = queryset.annotate(padded_text=Concat(Value(" "), F("search_text"), Value(" "), output_field=TextField()))
    for term in wanted:
        queryset = queryset.filter(padded_text__contains=f" {term} ")
    return queryset


def open_call_kinds(innovation):
    """The labels of the kinds of help `innovation` asks for in its open calls, each once, in order.

    Reads `open_calls` when card_queryset prefetched it, otherwise asks the database.
    """
    calls = getattr(innovation, "open_calls", None)
    if calls is None:
        calls = CallForHelp.objects.open().filter(innovation=innovation).only("kind")
    labels = dict(CallForHelp.Kind.choices)
    seen = []
    for call in calls:
        if call.kind not in seen:
            seen.append(call.kind)
    order = list(labels)
    return [labels[kind] for kind in sorted(seen, key=lambda k: order.index(k) if k in order else len(order))]
