"""The write endpoints of /api/v1/: create a draft fiche, edit a fiche, with a personal token.

They take exactly the web editor's path: the editor's forms validate the fields (same
messages, same link limit for new accounts), editorial.revisions.create_innovation and
save_edit write (revisions, three-way merge, proposals on published fiches for people whose
edits do not go live), antispam.services.check_fiche_edit scores the new text (held for the
moderators when it looks like spam), and the editor's rate limit ("contribution") applies.
Fiches imported read-only from another site are edited at their source only.
"""

import copy

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import HttpError

from creative.accounts.permissions import can_create_innovation, can_edit_innovation, can_view_unpublished
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import hit
from creative.antispam.services import check_fiche_edit
from creative.editorial.forms import MAX_LINKS, MAX_PLACES, IdentityForm, LinkForm, PlaceForm, SectionsForm
from creative.editorial.revisions import EditConflict, create_innovation, empty_snapshot, save_edit, working_copy
from creative.innovations.models import Innovation, Licence, Section

from . import api_schemas as s
from .api_auth import BearerToken
from .api_read import router  # one router: a path's GET and its PATCH share one URL

AUTH = BearerToken()

ERRORS = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 409: s.Error, 422: s.Error, 429: s.Error}
IDENTITY_FIELDS = ("title", "pitch", "description", "carrier_name", "carrier_kind", "status", "start_year",
                   "website", "themes")


class Invalid(Exception):
    """The fields do not validate: {field: [messages]}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class ApiIdentityForm(IdentityForm):
    """The editor's identity form without its browser traps (a token, not a form page, is sent here)."""

    def spam_trap_problem(self):
        return None


def _messages(form):
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def build_snapshot(user, current, fields):
    """`current` (a snapshot) with `fields` (the request's, already typed) applied and validated."""
    wanted = copy.deepcopy(current)
    errors = {}
    if any(name in fields for name in IDENTITY_FIELDS):
        initial = IdentityForm.initial_from(current)
        data = {name: "" if value is None else value for name, value in initial.items()}
        for name in IDENTITY_FIELDS:
            if name in fields:
                value = fields[name]
                data[name] = list(value or []) if name == "themes" else ("" if value is None else value)
        form = ApiIdentityForm(data)
        bind_author(user, form)
        if form.is_valid():
            form.apply_to(wanted)
        else:
            errors.update(_messages(form))
    if "sections" in fields:
        sections = list(Section.objects.active())
        posted = fields["sections"] or {}
        known = {x.slug for x in sections}
        unknown = sorted(set(posted) - known)
        if unknown:
            errors["sections"] = [_("Section inconnue ou désactivée : « %(slug)s ».") % {"slug": slug[:50]}
                                  for slug in unknown[:10]]
        else:
            data = {SectionsForm.field_name(x): (current.get("sections") or {}).get(x.slug, "") for x in sections}
            data.update({SectionsForm.field_name(x): posted[x.slug] or "" for x in sections if x.slug in posted})
            form = SectionsForm(data, sections=sections)
            bind_author(user, form)
            if form.is_valid():
                form.apply_to(wanted)
            else:
                errors.update({f"sections.{k.removeprefix('section_')}": v for k, v in _messages(form).items()})
    if "places" in fields:
        places = []
        for i, place in enumerate((fields["places"] or [])[:MAX_PLACES + 1]):
            if i >= MAX_PLACES:
                errors["places"] = [_("Au plus %(max)s lieux.") % {"max": MAX_PLACES}]
                break
            form = PlaceForm({key: "" if value is None else value for key, value in place.items()})
            if form.is_valid() and not form.is_blank_row():
                places.append(form.as_place())
            elif form.is_valid():
                errors[f"places.{i}"] = [_("Indiquez la commune de ce lieu.")]
            else:
                errors[f"places.{i}"] = [m for ms in _messages(form).values() for m in ms]
        wanted["places"] = places
    if "links" in fields:
        links = []
        for i, link in enumerate((fields["links"] or [])[:MAX_LINKS + 1]):
            if i >= MAX_LINKS:
                errors["links"] = [_("Au plus %(max)s liens.") % {"max": MAX_LINKS}]
                break
            form = LinkForm(link)
            if form.is_valid() and not form.is_blank_row():
                links.append({"label": form.cleaned_data["label"], "url": form.cleaned_data["url"]})
            elif not form.is_valid():
                errors[f"links.{i}"] = [m for ms in _messages(form).values() for m in ms]
        wanted["links"] = links
    if "licence" in fields and fields["licence"] is not None:
        if fields["licence"] in Licence.values:
            wanted["licence"] = fields["licence"]
        else:
            errors["licence"] = [_("Licence inconnue. Valeurs possibles : %(values)s.") % {
                "values": ", ".join(Licence.values)}]
    if errors:
        raise Invalid(errors)
    return wanted


def _fields(payload):
    """The fields the client sent (PATCH semantics: a field left out keeps its value)."""
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("summary", None)
    sent.pop("revision", None)
    return sent


def _count_contribution(request):
    # The editor's own limit on saves: a script cannot write faster than a person could.
    hit("contribution", request=request, user=request.auth)


def _result(request, fiche, *, live, unchanged=False, merged=False, revision=None, detail=""):
    fiche.refresh_from_db()
    return {
        "slug": fiche.slug, "state": fiche.state, "live": live, "unchanged": unchanged, "merged": merged,
        "revision": revision, "detail": detail, "url": request.build_absolute_uri(fiche.get_absolute_url()),
    }


def _invalid(exc):
    return Status(422, {"detail": _("La fiche n'est pas valide : corrigez les champs indiqués."),
                        "errors": exc.errors})


@router.post(
    "/innovations/", response={201: s.WriteResult, **ERRORS}, url_name="innovation_create",
    auth=AUTH, tags=["Écriture"],
    summary="Créer une fiche (brouillon)",
    description="Crée un brouillon dont vous êtes l'auteur, comme « Contribuer » sur le site : il n'est visible "
                "que de vous, de vos co-auteurs et de l'équipe éditoriale, et se soumet à relecture sur le site.",
)
def create(request, payload: s.InnovationCreate):
    user = request.auth
    if not can_create_innovation(user):
        raise HttpError(403, _("Votre compte ne peut pas encore écrire de fiche : confirmez d'abord votre adresse "
                               "électronique."))
    _count_contribution(request)
    try:
        wanted = build_snapshot(user, empty_snapshot(), _fields(payload))
    except Invalid as exc:
        return _invalid(exc)
    fiche = create_innovation(user, wanted, summary=payload.summary)
    check_fiche_edit(user, fiche, empty_snapshot(), wanted, request=request)
    return Status(201, _result(request, fiche, live=True, revision=fiche.revision_number,
                               detail=_("Votre brouillon est créé.")))


@router.patch(
    "/innovations/{slug}/", response={200: s.WriteResult, **ERRORS}, url_name="innovation_update",
    auth=AUTH, tags=["Écriture"],
    summary="Modifier une fiche",
    description="Les champs envoyés remplacent ceux de la fiche. Sur une fiche publiée, la modification d'une "
                "personne qui n'est pas contributrice de confiance attend la relecture (live: false), comme sur "
                "le site. Une fiche importée en lecture seule se modifie à sa source (403).",
)
def update(request, slug: str, payload: s.InnovationPatch):
    from creative.imports.models import Provenance

    user = request.auth
    fiche = Innovation.objects.select_related("carrier_kind").filter(slug=slug[:160]).first()
    if fiche is None or not (fiche.is_published or can_view_unpublished(user, fiche)):
        raise Http404
    if Provenance.objects.filter(innovation=fiche, read_only=True).exists():
        raise HttpError(403, _("Cette fiche est importée d'un autre site en lecture seule : modifiez-la à sa source."))
    if not can_edit_innovation(user, fiche):
        raise HttpError(403, _("Seuls les auteurs de cette fiche et l'équipe éditoriale de son territoire peuvent la "
                               "modifier."))
    _count_contribution(request)
    data, base_number = working_copy(user, fiche)
    try:
        wanted = build_snapshot(user, data, _fields(payload))
    except Invalid as exc:
        return _invalid(exc)
    try:
        result = save_edit(fiche, user, wanted, base_number=payload.revision or base_number,
                           summary=payload.summary)
    except EditConflict as conflict:
        return Status(409, {
            "detail": _("La fiche a été modifiée par quelqu'un d'autre pendant que vous écriviez (version "
                        "%(number)s) : relisez-la et renvoyez vos modifications.") % {
                "number": conflict.current_number},
            "errors": {key: [_("Modifié des deux côtés.")] for key in sorted(conflict.conflicts)},
        })
    check_fiche_edit(user, fiche, data, wanted, request=request)
    if result.unchanged:
        detail = _("Rien n'a changé.")
    elif result.live:
        detail = _("Vos modifications sont enregistrées.")
    else:
        detail = _("Votre proposition est enregistrée : elle attend la relecture de l'équipe éditoriale.")
    return Status(200, _result(request, fiche, live=result.live, unchanged=result.unchanged, merged=result.merged,
                               revision=result.revision.number if result.revision else None, detail=detail))
