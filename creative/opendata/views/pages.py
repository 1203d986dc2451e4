"""PLACEHOLDER (helper X owns open_data and dump_file; helper A owns api_docs and tokens)."""

from django.http import Http404


def open_data(request):
    """The open data page: the licence in plain words, attribution, the dump's files, exports, API, feeds."""
    from django.shortcuts import render
    from django.urls import reverse

    from creative.innovations.models import Licence

    from .. import dumps

    manifest = dumps.read_manifest()
    files, dump = [], None
    if manifest:
        for entry in manifest["files"]:
            if isinstance(entry, dict) and dumps.is_safe_name(str(entry.get("name", ""))):
                size = entry.get("size")
                files.append({"name": entry["name"], "description": str(entry.get("description", "")),
                              "size": size if isinstance(size, int) else None,
                              "url": reverse("opendata:dump_file", args=[entry["name"]])})
        count = (manifest.get("counts") or {}).get("innovations") if isinstance(manifest.get("counts"), dict) else None
        dump = {"date": str(manifest.get("date", ""))[:10], "count": count if isinstance(count, int) else 0}
    context = {
        "manifest": dump,
        "files": files,
        "manifest_url": reverse("opendata:dump_file", args=[dumps.MANIFEST]) if manifest else "",
        "licences": [
            {"code": value, "name": label, "url": Licence.url(value), "plain_words": Licence.plain_words(value),
             "shareable": Licence.shareable_as_cc_by_sa(value)}
            for value, label in Licence.choices
        ],
        "default_licence": {"name": Licence.CC_BY_SA_4.label, "url": Licence.url(Licence.CC_BY_SA_4),
                            "plain_words": Licence.plain_words(Licence.CC_BY_SA_4)},
        "site_url": request.build_absolute_uri("/").rstrip("/"),
    }
    return render(request, "opendata/open_data.html", context)


def dump_file(request, name):
    """A file of the daily dump: only the names its manifest lists, from its directory, else 404."""
    from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseNotModified

    from .. import dumps

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    entry = dumps.file_entry(name)
    if entry is None:
        raise Http404
    directory = dumps.dump_dir().resolve()
    path = (directory / name).resolve()
    if path.parent != directory or not path.is_file():
        raise Http404
    etag = f'"{entry["sha256"]}"' if entry.get("sha256") else None
    if etag and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        manifest = dumps.read_manifest() or {}
        stem, dot, extension = name.rpartition(".")
        dated = f"{stem}-{manifest.get('date', '')}{dot}{extension}" if stem and manifest.get("date") else name
        # Data files are downloaded; the texts (licence, authors, read-me) and manifest are read.
        attachment = extension not in ("txt", "json")
        response = FileResponse(path.open("rb"), as_attachment=attachment, filename=dated,
                                content_type=entry.get("media_type") or "application/octet-stream")
    if etag:
        response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def api_docs(request):
    """The API's human documentation: endpoints, filters, pagination, auth, limits, licence, examples."""
    from django.conf import settings
    from django.shortcuts import render
    from django.urls import reverse

    from creative.innovations.models import Innovation

    from ..pagination import MAX_LIMIT

    base = request.build_absolute_uri(reverse("api:api-root"))
    context = {
        "api_base": base,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
        "rate_limit": settings.API_RATE_LIMIT,
        "max_limit": MAX_LIMIT,
        "example_slug": Innovation.objects.published().values_list("slug", flat=True).first() or "repair-cafe",
        "tokens_url": reverse("opendata:tokens"),
    }
    return render(request, "opendata/api_docs.html", context)


def tokens(request):
    """The person's API tokens: list, create (the secret is shown once, on this answer only), revoke."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect, render
    from django.utils.translation import gettext as _

    from creative.accounts.permissions import can_contribute

    from .. import tokens as token_service
    from ..models import ApiToken

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_contribute(user):
        raise PermissionDenied(_("Confirmez d'abord votre adresse électronique pour créer des jetons d'API."))
    form, secret, created = token_service.TokenForm(), None, None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            token = ApiToken.objects.filter(user=user, pk=_int(request.POST.get("token"))).first()
            if token is not None:
                token_service.revoke(token, user)
            return redirect("opendata:tokens")
        form = token_service.TokenForm(request.POST)
        if form.is_valid():
            if ApiToken.objects.active().filter(user=user).count() >= token_service.MAX_ACTIVE_TOKENS:
                form.add_error(None, _("Vous avez déjà %(max)s jetons actifs : révoquez-en un d'abord.") % {
                    "max": token_service.MAX_ACTIVE_TOKENS})
            else:
                created, secret = token_service.issue(user, form.cleaned_data["name"])
                form = token_service.TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "created": created,
        "active": ApiToken.objects.active().filter(user=user),
        "revoked": ApiToken.objects.filter(user=user, revoked_at__isnull=False)[:20],
    }
    response = render(request, "opendata/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the secret is on this page once
    return response


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
