"""The guided editor: a contributor's fiches, a fiche's steps, its images and co-authors, the preview.

Every step is a plain form that works without JavaScript. A step reads the person's working
copy (their pending proposal, or the live content), writes its own fields into a copy of it,
and hands the whole snapshot to revisions.save_edit with the version the form was loaded on:
someone else's concurrent changes to other fields are merged, the same fields are a conflict
shown side by side, and nothing typed is lost.
"""

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creative.accounts.permissions import (
    can_contribute,
    can_create_innovation,
    can_edit_innovation,
    can_invite_coauthor,
    can_review,
    can_submit,
    has_author_rights,
    is_author,
    requires,
)
from creative.antispam.links import bind_author
from creative.antispam.ratelimit import posted_action_in, rate_limit
from creative.antispam.services import check_fiche_edit
from creative.audit import record
from creative.core.images import make_thumbnail, reencode_image
from creative.core.markdown import render_markdown
from creative.core.tasks import enqueue_on_commit, send_templated_mail_task
from creative.innovations.models import Authorship, CarrierKind, Innovation, Licence, Section, Theme
from creative.reuse import services as reuse
from creative.territories import lookup

from .. import workflow
from ..completeness import STEP_SLUGS, STEPS, completeness
from ..forms import (
    MARKDOWN_HELP,
    MAX_LINKS,
    MAX_PLACES,
    EditMetaForm,
    IdentityForm,
    ImageUploadForm,
    InvitationForm,
    LicenceForm,
    LinkFormSet,
    PlaceFormSet,
    SectionsForm,
)
from ..models import CoauthorInvitation, Revision
from ..revisions import (
    EditConflict,
    create_innovation,
    empty_snapshot,
    goes_live,
    pending_revision_of,
    save_edit,
    working_copy,
)

INVITATION_SALT = "creative.editorial.coauthor-invitation"
INVITATION_MAX_AGE = timedelta(days=14)
PREVIEW_MAX_LENGTH = 50_000
SAVED_SESSION_KEY = "editorial:saved"  # the autosave key of the form just saved, for editor.js to forget it
NOT_YOURS = gettext_lazy("Seuls les auteurs de cette fiche et l'équipe éditoriale de son territoire peuvent la "
                         "modifier.")
STEP_TEMPLATES = {
    "identite": "editorial/editor/identite.html",
    "lieux": "editorial/editor/lieux.html",
    "code-source": "editorial/editor/code_source.html",
    "images": "editorial/editor/images.html",
    "licence": "editorial/editor/licence.html",
}


# Who may do what here -------------------------------------------------------------------------

def may_manage_images(user, fiche):
    """Images are files, not part of a proposal: only authors and the fiche's editors touch them."""
    return has_author_rights(user, fiche) or can_review(user, fiche)


def may_remove_coauthor(user, fiche, authorship):
    if authorship.is_creator:
        return False
    if authorship.user_id == user.pk:
        return True  # a co-author may leave
    return can_review(user, fiche) or fiche.authorships.filter(user=user, is_creator=True).exists()


def _editable_fiche(request, pk):
    fiche = get_object_or_404(Innovation.objects.select_related("carrier_kind"), pk=pk)
    if not can_edit_innovation(request.user, fiche):
        closed = fiche.state in (Innovation.State.REJECTED, Innovation.State.ARCHIVED)
        if closed and has_author_rights(request.user, fiche):
            raise PermissionDenied(_("Cette fiche est refusée ou archivée : seule l'équipe éditoriale de son "
                                     "territoire peut la modifier."))
        raise PermissionDenied(NOT_YOURS)
    return fiche


def steps_for(user, fiche):
    if fiche is None or may_manage_images(user, fiche):
        return STEP_SLUGS
    return tuple(slug for slug in STEP_SLUGS if slug != "images")


def _next_step(user, fiche, step):
    slugs = steps_for(user, fiche)
    index = slugs.index(step)
    return slugs[index + 1] if index + 1 < len(slugs) else None


# My fiches ------------------------------------------------------------------------------------

@requires(can_create_innovation)
def my_fiches(request):
    user = request.user
    # The fiches they sign, and those they carry (team carriers have the author's rights).
    fiches = (
        Innovation.objects.filter(Q(authorships__user=user) | Q(team__user=user, team__kind="carrier")).distinct()
        .prefetch_related("images").order_by("-updated_at", "-pk")
    )
    sections = list(Section.objects.active())
    rows = []
    for fiche in fiches:
        data, _base = working_copy(user, fiche)
        report = completeness(data, image_count=len(fiche.images.all()), sections=sections)
        editable = can_edit_innovation(user, fiche)
        first = report.first_incomplete_step if report.first_incomplete_step in steps_for(user, fiche) else "identite"
        rows.append({
            "fiche": fiche,
            "report": report,
            "continue_url": reverse("editorial:edit", args=[fiche.pk, first]) if editable else None,
        })
    proposals = (
        Revision.objects.pending().filter(author=user).select_related("innovation").order_by("-created_at")
    )
    return render(request, "editorial/editor/my_fiches.html", {"rows": rows, "proposals": proposals})


# The steps ------------------------------------------------------------------------------------

@requires(can_create_innovation)
@rate_limit("contribution", counts=posted_action_in("save", "continue"))
def create(request):
    """The identity step of a fiche not written yet: saving it creates the draft."""
    user = request.user
    posted = request.method == "POST"
    action = request.POST.get("action", "save") if posted else None
    data = request.POST if posted else None
    if action == "add-links":
        data = _with_extra_row(request.POST, "links", MAX_LINKS)
    form = IdentityForm(data, initial=IdentityForm.initial_from(empty_snapshot()))
    origin = reuse.origin_from(request)  # "Créer ma fiche d'abord" from another fiche's reuse declaration
    if origin:
        form.fields[reuse.ORIGIN_PARAM] = reuse.origin_field(origin)
    links = LinkFormSet(data, prefix="links", initial=[])
    bind_author(user, form)
    context = {}
    if action == "preview":
        context["previews"] = _previews([form])
    elif action in ("save", "continue") and form.is_valid() and links.is_valid():
        snapshot = links.apply_to(form.apply_to(empty_snapshot()))
        fiche = create_innovation(user, snapshot)
        check_fiche_edit(user, fiche, empty_snapshot(), snapshot, request=request)
        request.session[SAVED_SESSION_KEY] = _autosave_key(user, None, "identite")
        messages.success(request, _(
            "Votre brouillon est créé. Seuls vous, vos co-auteurs et l'équipe éditoriale de votre territoire le "
            "voient. Continuez quand vous voulez depuis « Contribuer »."))
        if origin:
            return redirect(reuse.declare_url(origin, fiche))
        return redirect("editorial:edit", fiche.pk, "lieux" if action == "continue" else "identite")
    context.update({"form": form, "links": links})
    return _render_step(request, None, "identite", context, bound=posted)


@requires(can_contribute)
@rate_limit("contribution", counts=posted_action_in("save", "continue", "submit", "upload"))
def edit(request, pk, step):
    if step not in STEP_SLUGS:
        raise Http404
    fiche = _editable_fiche(request, pk)
    if step == "images":
        if not may_manage_images(request.user, fiche):
            raise PermissionDenied(_("Seuls les auteurs de la fiche et l'équipe éditoriale de son territoire "
                                     "ajoutent ou retirent des images."))
        return _images_step(request, fiche)
    return _text_step(request, fiche, step)


def _step_parts(step, post, data, *, add_rows=None):
    """The forms of a step, bound to `post` (or not), their initial values read from snapshot `data`."""
    if add_rows:
        post = _with_extra_row(post, add_rows, {"links": MAX_LINKS, "places": MAX_PLACES}[add_rows])
    if step == "identite":
        return {
            "form": IdentityForm(post, initial=IdentityForm.initial_from(data)),
            "links": LinkFormSet(post, prefix="links", initial=LinkFormSet.initial_from(data)),
        }
    if step == "lieux":
        return {"places": PlaceFormSet(post, prefix="places", initial=PlaceFormSet.initial_from(data))}
    if step == "code-source":
        form = SectionsForm(post, sections=Section.objects.active())
        form.initial = form.initial_from(data)
        return {"form": form}
    return {"form": LicenceForm(post, initial=LicenceForm.initial_from(data))}


def _text_step(request, fiche, step):
    user = request.user
    data, base_number = working_copy(user, fiche)
    posted = request.method == "POST"
    action = request.POST.get("action", "save") if posted else None
    add_rows = action.removeprefix("add-") if action in ("add-links", "add-places") else None
    parts = _step_parts(step, request.POST if posted else None, data, add_rows=add_rows)
    bind_author(user, *parts.values())
    meta = EditMetaForm(request.POST if posted else None, initial={"base_number": base_number})
    context, status = {}, 200
    saving = action in ("save", "continue") or (action == "submit" and step == "licence")
    if action == "preview":
        context["previews"] = _previews(parts.values())
    elif saving and all([meta.is_valid(), *(part.is_valid() for part in parts.values())]):
        wanted = copy.deepcopy(data)
        for part in parts.values():
            part.apply_to(wanted)
        try:
            result = save_edit(fiche, user, wanted, base_number=meta.cleaned_data["base_number"],
                               summary=meta.cleaned_data["summary"])
        except EditConflict as conflict:
            # The same text again, now on the current version: saving it applies the person's merge.
            meta = EditMetaForm(_replaced(request.POST, f"{EditMetaForm.prefix}-base_number",
                                          conflict.current_number))
            context["conflicts"] = describe_conflicts(conflict.conflicts)
            status = 409
        else:
            check_fiche_edit(user, fiche, data, wanted, request=request)
            request.session[SAVED_SESSION_KEY] = _autosave_key(user, fiche, step)
            if action == "submit":
                if not result.unchanged:
                    _tell_saved(request, result)
                return _submit(request, fiche, parts["form"].cleaned_data["message"])
            _tell_saved(request, result)
            target = _next_step(user, fiche, step) if action == "continue" else None
            return redirect("editorial:edit", fiche.pk, target or step)
    context.update(parts)
    context["meta"] = meta
    return _render_step(request, fiche, step, context, bound=posted, data=data, status=status)


def _submit(request, fiche, message):
    try:
        workflow.submit(fiche, request.user, message)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect("editorial:edit", fiche.pk, "licence")
    messages.success(request, _("Votre fiche est soumise à relecture. L'équipe éditoriale de votre territoire est "
                                "prévenue ; vous recevrez ses remarques par courriel."))
    return redirect("editorial:my_fiches")


def _tell_saved(request, result):
    if result.unchanged:
        messages.info(request, _("Rien n'a changé depuis le dernier enregistrement."))
    elif not result.live:
        messages.success(request, _(
            "Votre proposition est enregistrée. Elle attend la relecture de l'équipe éditoriale : d'ici là, la "
            "version publiée reste en ligne telle quelle."))
    else:
        messages.success(request, _("Vos modifications sont enregistrées."))
    if result.merged:
        messages.info(request, _(
            "Quelqu'un d'autre a modifié d'autres parties de la fiche pendant que vous écriviez : leurs "
            "modifications et les vôtres sont toutes conservées."))


def _images_step(request, fiche):
    user = request.user
    posted = request.method == "POST"
    action = request.POST.get("action", "upload") if posted else None
    form = ImageUploadForm(initial={"licence": "CC BY-SA 4.0"})
    next_step = _next_step(user, fiche, "images")
    if action == "continue" and not _image_form_filled(request):
        return redirect("editorial:edit", fiche.pk, next_step)  # nothing to add: on to the next step
    if action in ("upload", "continue"):
        form = ImageUploadForm(request.POST, request.FILES, initial={"licence": "CC BY-SA 4.0"})
        if form.is_valid():
            image = _add_image(user, fiche, form)
            if image is not None:
                messages.success(request, _("L'image est ajoutée."))
                return redirect("editorial:edit", fiche.pk, next_step if action == "continue" else "images")
    elif action in ("delete", "cover"):
        image = fiche.images.filter(pk=_int(request.POST.get("image"))).first()
        if image is None:
            messages.error(request, _("Cette image n'existe plus : la liste ci-dessous est à jour."))
        elif action == "delete":
            _remove_image(user, fiche, image)
            messages.success(request, _("L'image est retirée."))
        else:
            with transaction.atomic():
                fiche.images.exclude(pk=image.pk).update(is_cover=False)
                fiche.images.filter(pk=image.pk).update(is_cover=True)
            messages.success(request, _("C'est maintenant l'image de couverture."))
        return redirect("editorial:edit", fiche.pk, "images")
    data, _base = working_copy(user, fiche)
    context = {"form": form, "images": fiche.images.all()}
    return _render_step(request, fiche, "images", context, bound=posted, data=data)


def _image_form_filled(request):
    """Whether the person started adding an image (a file, or any text besides the default licence)."""
    return bool(request.FILES.get("file")) or any(
        request.POST.get(name, "").strip() for name in ("alt_text", "author", "source", "caption"))


def _add_image(user, fiche, form):
    """Store a clean copy of the upload (never the original) and its thumbnail; None if it cannot be read."""
    upload = form.cleaned_data["file"]
    try:
        clean = reencode_image(upload, name_prefix=f"fiche-{fiche.pk}-")
        thumbnail = make_thumbnail(clean, name_prefix=f"fiche-{fiche.pk}-vignette-")
    except ValidationError as error:
        form.add_error("file", error)
        return None
    clean.seek(0)
    with transaction.atomic():
        image = form.save(commit=False)
        image.innovation = fiche
        image.file = clean
        image.thumbnail = thumbnail
        last = fiche.images.order_by("-position").values_list("position", flat=True).first()
        image.position = (last or 0) + 1
        if image.is_cover or not fiche.images.filter(is_cover=True).exists():
            fiche.images.update(is_cover=False)
            image.is_cover = True  # the first image is the cover until another is chosen
        image.save()
        record(user, "image.added", fiche, image=image.pk, alt_text=image.alt_text, author=image.author)
    return image


def _remove_image(user, fiche, image):
    files = [f for f in (image.file, image.thumbnail) if f]
    storage_names = [(f.storage, f.name) for f in files]
    with transaction.atomic():
        was_cover = image.is_cover
        image_pk, alt_text = image.pk, image.alt_text
        image.delete()
        if was_cover:
            following = fiche.images.order_by("position", "pk").first()
            if following is not None:
                fiche.images.filter(pk=following.pk).update(is_cover=True)
        record(user, "image.removed", fiche, image=image_pk, alt_text=alt_text)
        # The files go once the removal is committed (a rollback keeps them).
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in storage_names])


# Rendering helpers ----------------------------------------------------------------------------

def _render_step(request, fiche, step, context, *, bound, data=None, status=200):
    user = request.user
    if data is None:
        data = empty_snapshot()
    report = completeness(data, image_count=fiche.images.count() if fiche else 0)
    allowed = steps_for(user, fiche)
    nav = [
        {
            "slug": slug,
            "label": label,
            "report": report.step(slug),
            "current": slug == step,
            "url": reverse("editorial:edit", args=[fiche.pk, slug]) if fiche else None,
        }
        for slug, label in STEPS if slug in allowed
    ]
    next_step = _next_step(user, fiche, step) if fiche else "lieux"
    autosave_key = _autosave_key(user, fiche, step)
    saved_key = request.session.pop(SAVED_SESSION_KEY, None)
    context.update({
        "fiche": fiche,
        "step": step,
        "step_label": dict(STEPS)[step],
        "step_report": report.step(step),
        "report": report,
        "nav": nav,
        "next_step": next_step,
        "pending": pending_revision_of(user, fiche) if fiche else None,
        "goes_live": goes_live(user, fiche) if fiche else True,
        "may_manage_images": fiche is not None and may_manage_images(user, fiche),
        "markdown_help": MARKDOWN_HELP,
        "editor_config": {
            "previewUrl": reverse("editorial:preview"),
            "autosaveKey": autosave_key if step != "images" else "",
            "clearKeys": [saved_key] if saved_key else [],
            # A re-displayed submission already holds what was typed: the server's copy wins.
            "restore": not bound,
            "strings": _js_strings(),
        },
    })
    if step == "lieux":
        context["place_rows"] = _place_rows(context["places"])
    if step == "code-source":
        context["section_rows"] = _section_rows(context["form"], report, context.get("previews") or {})
    if step == "licence" and fiche is not None:
        context["may_submit"] = can_submit(user, fiche)
        context["blockers"] = workflow.submission_blockers(fiche)
    return render(request, STEP_TEMPLATES[step], context, status=status)


def _autosave_key(user, fiche, step):
    return f"{user.pk}:{fiche.pk if fiche else 'nouvelle'}:{step}"


def _js_strings():
    return {
        "counter": _("%(count)s caractères sur %(max)s"),
        "counterOver": _("%(count)s caractères sur %(max)s : %(over)s de trop"),
        "restored": _("Brouillon local restauré : ce que vous aviez tapé sur cet appareil le %(date)s n'était pas "
                      "enregistré. Enregistrez pour le garder."),
        "discard": _("Abandonner le brouillon local"),
        "discarded": _("Brouillon local abandonné : le formulaire montre la version enregistrée."),
        "previewTitle": _("Aperçu"),
        "previewError": _("L'aperçu n'est pas disponible pour le moment ; le bouton « Prévisualiser » fonctionne "
                          "toujours."),
    }


def _previews(parts):
    """Markdown fields of the submitted forms, rendered (sanitised) as they would be published."""
    previews = {}
    for part in parts:
        for name in getattr(part, "markdown_fields", ()):
            previews[name] = render_markdown(part[name].value() or "")
    return previews


def _place_rows(formset):
    """Each place form with the point the map starts on (its commune), for the point picker."""
    points = {entry.code: (entry.lat, entry.lng) for entry in lookup.commune_index()}
    rows = []
    for form in formset:
        code = form["commune_code"].value() or ""
        rows.append({"form": form, "center": points.get(code)})
    return rows


def _section_rows(form, report, previews):
    items = report.sections
    return [
        {"section": section, "field": field, "item": items.get(section.slug), "preview": previews.get(field.name)}
        for section, field in form.rows()
    ]


def _with_extra_row(post, prefix, limit):
    """The submitted data with one more (empty) row in formset `prefix`: "add a place" without JavaScript."""
    data = post.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(min(_int(data.get(key)) + 1, limit))
    return data


def _replaced(post, key, value):
    data = post.copy()
    data[key] = str(value)
    return data


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def describe_conflicts(conflicts):
    """The conflicting parts of a fiche, for people: label, their version, the current version."""
    section_titles = dict(Section.objects.values_list("slug", "title"))
    labels = {name: field.label for name, field in IdentityForm.base_fields.items()}
    labels.update({"places": _("Lieux"), "links": _("Liens"), "licence": _("Licence"), "themes": _("Thèmes")})
    order = [*IdentityForm.base_fields, "links", "places"]
    rows = []
    for key, values in conflicts.items():
        if key.startswith("sections."):
            label = section_titles.get(key.removeprefix("sections."), key)
        else:
            label = labels.get(key, key)
        rows.append({
            "key": key,
            "label": label,
            "mine": _readable(key, values.get("mine")),
            "theirs": _readable(key, values.get("theirs")),
            "rank": (order.index(key) if key in order else len(order), key),
        })
    return sorted(rows, key=lambda row: row["rank"])


def _readable(key, value):
    empty = _("(vide)")
    if value in (None, "", []):
        return empty
    if key == "themes":
        names = dict(Theme.objects.filter(slug__in=value).values_list("slug", "name"))
        return ", ".join(names.get(slug, slug) for slug in value)
    if key == "carrier_kind":
        return CarrierKind.objects.filter(slug=value).values_list("name", flat=True).first() or value
    if key == "licence":
        return Licence(value).label if value in Licence.values else value
    if key == "status":
        return Innovation.Status(value).label if value in Innovation.Status.values else value
    if key == "places":
        return "\n".join(
            " — ".join(filter(None, [
                place.get("commune_name") or place.get("commune"),
                place.get("address"),
                f"{place['latitude']}, {place['longitude']}" if place.get("latitude") is not None else "",
            ]))
            for place in value
        )
    if key == "links":
        return "\n".join(f"{link['label']} — {link['url']}" for link in value)
    return str(value)


# Markdown preview (editor.js) -----------------------------------------------------------------

@require_POST
@requires(can_contribute)
def preview(request):
    text = request.POST.get("text", "")
    if len(text) > PREVIEW_MAX_LENGTH:
        return JsonResponse({"error": _("Ce texte est trop long pour l'aperçu.")}, status=400)
    return JsonResponse({"html": str(render_markdown(text))})


# Co-authors -----------------------------------------------------------------------------------

@requires(can_contribute)
def coauthors(request, pk):
    user = request.user
    fiche = get_object_or_404(Innovation, pk=pk)
    if not (has_author_rights(user, fiche) or can_review(user, fiche)):
        raise PermissionDenied(_("Seuls les auteurs de cette fiche et l'équipe éditoriale de son territoire voient "
                                 "ses co-auteurs."))
    may_invite = can_invite_coauthor(user, fiche)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_invite:
            raise PermissionDenied(NOT_YOURS)
        if form.is_valid():
            invite_coauthor(fiche, user, form.cleaned_data["email"])
            # The same answer whatever the address: this page never tells who has an account.
            messages.success(request, _(
                "Invitation envoyée à %(email)s. Le lien est valable 14 jours ; si cette personne n'a pas encore de "
                "compte, elle pourra en créer un.") % {"email": form.cleaned_data["email"]})
            return redirect("editorial:coauthors", fiche.pk)
    authorships = list(fiche.authorships.select_related("user__profile"))
    since = timezone.now() - INVITATION_MAX_AGE
    context = {
        "fiche": fiche,
        "form": form,
        "may_invite": may_invite,
        "authorships": [
            {"authorship": a, "removable": may_remove_coauthor(user, fiche, a)} for a in authorships
        ],
        "invitations": fiche.coauthor_invitations.filter(accepted_at__isnull=True, created_at__gte=since),
        "may_edit": can_edit_innovation(user, fiche),
    }
    return render(request, "editorial/editor/coauthors.html", context)


def invitation_token(invitation):
    return signing.dumps({"i": invitation.pk, "f": invitation.innovation_id}, salt=INVITATION_SALT)


def invite_coauthor(fiche, inviter, email):
    """Invite `email` to write `fiche`; the invitation mail is sent by the worker once committed."""
    with transaction.atomic():
        invitation = fiche.coauthor_invitations.filter(email=email, accepted_at__isnull=True).first()
        if invitation is None:
            invitation = CoauthorInvitation.objects.create(innovation=fiche, email=email, invited_by=inviter)
        else:  # invited again: the new link and the list show the new date
            invitation.created_at, invitation.invited_by = timezone.now(), inviter
            invitation.save(update_fields=["created_at", "invited_by"])
        record(inviter, "coauthor.invited", fiche, invitation=invitation.pk)
        context = {
            "title": fiche.title,
            "inviter": str(inviter.display_name),
            "url": settings.SITE_URL + reverse("editorial:accept_invitation", args=[invitation_token(invitation)]),
            "days": INVITATION_MAX_AGE.days,
        }
        enqueue_on_commit(send_templated_mail_task, "editorial_coauthor_invitation", context, [email])
    return invitation


def _invitation_problem(request, message, status):
    return render(request, "editorial/editor/invitation_invalid.html", {"message": message}, status=status)


@requires(can_contribute)
def accept_invitation(request, token):
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        return _invitation_problem(request, _(
            "Ce lien d'invitation a expiré : il était valable 14 jours. Demandez aux auteurs de la fiche de vous "
            "inviter à nouveau."), 410)
    except signing.BadSignature:
        return _invitation_problem(request, _(
            "Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet : il est parfois coupé sur deux "
            "lignes dans les messages."), 400)
    invitation = (
        CoauthorInvitation.objects.select_related("innovation")
        .filter(pk=_int(payload.get("i")), innovation_id=_int(payload.get("f"))).first()
        if isinstance(payload, dict) else None
    )
    if invitation is None:
        return _invitation_problem(request, _("Cette invitation n'existe plus : la fiche a peut-être été supprimée."),
                                   410)
    fiche = invitation.innovation
    if invitation.accepted_at is not None:
        return _invitation_problem(request, _("Cette invitation a déjà été utilisée : un lien d'invitation ne sert "
                                              "qu'une fois."), 410)
    if is_author(request.user, fiche):
        messages.info(request, _("Vous êtes déjà auteur de cette fiche."))
        return redirect("editorial:my_fiches")
    if request.method == "POST":
        with transaction.atomic():
            locked = CoauthorInvitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.accepted_at is not None:
                return _invitation_problem(request, _("Cette invitation a déjà été utilisée : un lien d'invitation "
                                                      "ne sert qu'une fois."), 410)
            Authorship.objects.create(innovation=fiche, user=request.user, is_creator=False)
            locked.accepted_by, locked.accepted_at = request.user, timezone.now()
            locked.save(update_fields=["accepted_by", "accepted_at"])
            record(request.user, "coauthor.added", fiche, invitation=locked.pk)
        messages.success(request, _("Vous êtes maintenant co-auteur de « %(title)s ».") % {"title": fiche.title})
        if can_edit_innovation(request.user, fiche):
            return redirect("editorial:edit", fiche.pk, "identite")
        return redirect("editorial:my_fiches")
    return render(request, "editorial/editor/invitation.html", {"invitation": invitation, "fiche": fiche})


@require_POST
@requires(can_contribute)
def remove_coauthor(request, pk, user_id):
    fiche = get_object_or_404(Innovation, pk=pk)
    authorship = get_object_or_404(fiche.authorships.select_related("user__profile"), user_id=user_id)
    if not may_remove_coauthor(request.user, fiche, authorship):
        raise PermissionDenied(_("Seule la personne qui a créé la fiche peut retirer un co-auteur."))
    name = str(authorship.user.display_name)
    with transaction.atomic():
        authorship.delete()
        record(request.user, "coauthor.removed", fiche, user=user_id)
    if user_id == request.user.pk:
        messages.success(request, _("Vous n'êtes plus co-auteur de cette fiche."))
        return redirect("editorial:my_fiches")
    messages.success(request, _("%(name)s n'est plus co-auteur de cette fiche.") % {"name": name})
    return redirect("editorial:coauthors", fiche.pk)


urlpatterns = [
    path("contribuer/", my_fiches, name="my_fiches"),
    path("contribuer/nouvelle/", create, name="create"),
    path("contribuer/apercu/", preview, name="preview"),
    path("contribuer/invitation/<str:token>/", accept_invitation, name="accept_invitation"),
    path("contribuer/<int:pk>/co-auteurs/", coauthors, name="coauthors"),
    path("contribuer/<int:pk>/co-auteurs/<int:user_id>/retirer/", remove_coauthor, name="remove_coauthor"),
    path("contribuer/<int:pk>/<slug:step>/", edit, name="edit"),
]
