"""The public JSON API, /api/v1/ (django-ninja), and what every one of its answers gets.

- Reads (api_read) need nothing; writes (api_write) a personal token (`Authorization: Bearer`).
- The OpenAPI 3.1 document is /api/v1/openapi.json; the human documentation is the page
  opendata:api_docs. Ninja's own Swagger page is off (it loads its scripts from a CDN).
- Around every view of the API (`ApiWrapper`): a rate limit per client address
  (API_RATE_LIMIT a minute, 429 with Retry-After), CORS open for reads
  (`Access-Control-Allow-Origin: *` on GET, HEAD and OPTIONS, never on writes), ETag and
  Last-Modified on successful reads with 304 answers to conditional requests, HEAD answered
  as GET without a body, and errors always as JSON {"detail": "…"} — unknown addresses and
  methods included. An unexpected exception is logged and answered in JSON too.
"""

import hashlib
import logging
import math
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, URLPattern, path, re_path, resolve, reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.urls import get_openapi_urls

from creative.antispam import clock
from creative.antispam.ratelimit import RateLimited, _ip_identity, client_ip

from . import api_read, api_write  # noqa: F401 (api_write registers the write operations)

logger = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD", "OPTIONS")
RATE_WINDOW = 60  # seconds: API_RATE_LIMIT is per minute
CATCH_ALL = "not-found"

DESCRIPTION = """
Les données publiques de la plateforme, en JSON : fiches d'innovation, territoires, thèmes,
sections du code source, agenda, organisations, profils publics, articles et liens d'essaimage.

Les fiches sont sous licence libre (CC BY-SA 4.0 par défaut, la licence de chaque fiche est
indiquée) : republiez-les en citant leurs auteurs, l'adresse d'origine et la licence (champ
`attribution`).

Lecture sans authentification, CORS ouvert ; pagination par curseur (suivez `next`) ;
`ETag`/`Last-Modified` et requêtes conditionnelles ; au plus API_RATE_LIMIT requêtes par
minute et par adresse (429 et `Retry-After` au-delà). Écriture avec un jeton personnel
(`Authorization: Bearer …`), soumise à la même relecture que l'éditeur du site. Les erreurs
sont en JSON : `{"detail": "…"}`.
"""


def json_error(status, detail, errors=None):
    body = {"detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


# --- The rate limit ----------------------------------------------------------------------------

def over_limit(request):
    """Count this request for its client address; seconds to wait when over API_RATE_LIMIT, else None."""
    now = clock.now()
    window = int(now // RATE_WINDOW)
    key = f"opendata:api:rl:{_ip_identity(client_ip(request))}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired or evicted between add() and incr()
        cache.set(key, 1, timeout=RATE_WINDOW + 60)
        count = 1
    if count > settings.API_RATE_LIMIT:
        return max(1, math.ceil((window + 1) * RATE_WINDOW - now))
    return None


def too_many(retry_after):
    response = json_error(429, _(
        "Trop de requêtes depuis votre adresse : au plus %(limit)s par minute. Réessayez dans %(seconds)s "
        "secondes.") % {"limit": settings.API_RATE_LIMIT, "seconds": retry_after})
    response["Retry-After"] = str(retry_after)
    return response


# --- What wraps every view ------------------------------------------------------------------------

def api_view(view):
    """Rate limit, CORS, conditional requests, HEAD, JSON errors (see the module docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        method = request.method
        retry_after = over_limit(request)
        if retry_after is not None:
            response = too_many(retry_after)
        elif method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(READ_METHODS)
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept, Accept-Language"
            response["Access-Control-Max-Age"] = "86400"
        else:
            if method == "HEAD":
                request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            except RateLimited as exc:
                response = too_many(exc.retry_after)
            except Exception:
                logger.exception("API error on %s %s", method, request.path)
                response = json_error(500, _("Erreur interne : elle est enregistrée et sera corrigée."))
            finally:
                request.method = method
            response = _as_json_error(response)
            if method in ("GET", "HEAD") and response.status_code == 200:
                response = _conditional(request, response)
            if method == "HEAD":
                response.content = b""
        if method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        return response

    return wrapped


def _as_json_error(response):
    """Django's own 405 (ninja answers an unknown method with it) as JSON, keeping its Allow header."""
    if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
        allowed = response.get("Allow", "")
        response = json_error(405, _("Méthode non autorisée ici. Méthodes acceptées : %(methods)s.") % {
            "methods": allowed or "GET"})
        if allowed:
            response["Allow"] = allowed
    return response


def _conditional(request, response):
    if getattr(response, "streaming", False):
        return response
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    last_modified = getattr(request, "api_last_modified", None)
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "public, max-age=60"
    patch_vary_headers(response, ["Accept-Language"])
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


def index(request):
    """/api/v1/: where the documents are."""
    return JsonResponse({
        "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        "documentation": request.build_absolute_uri(reverse("opendata:api_docs")),
        "innovations": request.build_absolute_uri(reverse("api:innovations")),
    })


def not_found(request, rest=""):
    """Any other address under /api/v1/: a JSON 404 (a missing final slash is redirected, for reads)."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != CATCH_ALL:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return json_error(404, _("Adresse inconnue dans l'API. La documentation est sur %(url)s.") % {
        "url": request.build_absolute_uri(reverse("opendata:api_docs"))})


class CreativeApi(NinjaAPI):
    """NinjaAPI whose every URL goes through `api_view`, with a JSON index and a JSON 404."""

    def _get_urls(self):
        urls = get_openapi_urls(self)
        for bound_router in self._get_bound_routers():
            urls.extend(bound_router.urls_paths(bound_router.prefix))
        urls.append(path("", index, name="api-root"))
        urls.append(re_path(r"^(?P<rest>.*)$", not_found, name=CATCH_ALL))
        return [
            URLPattern(u.pattern, api_view(u.callback), u.default_args, u.name) if isinstance(u, URLPattern) else u
            for u in urls
        ]


api = CreativeApi(
    title="Brest Créative — API des données ouvertes",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)


# --- Errors: always {"detail": "…"} ------------------------------------------------------------------

@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    errors = {}
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path"))
        errors.setdefault(location or "request", []).append(str(error.get("msg", "")))
    summary = "; ".join(f"{field} : {' '.join(messages)}" for field, messages in errors.items())
    return api.create_response(
        request, {"detail": _("Requête invalide — %(summary)s") % {"summary": summary[:1000]}, "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(request, {"detail": _(
        "Authentification requise : envoyez un jeton personnel valide dans l'en-tête « Authorization: Bearer "
        "<jeton> ». Les jetons se créent et se révoquent sur la page « Mes jetons d'API » du site.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    messages = {"Cannot parse request body": _("Le corps de la requête n'est pas du JSON valide.")}
    return api.create_response(request, {"detail": messages.get(str(exc), str(exc))}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Introuvable : aucun contenu public à cette adresse.")},
                               status=404)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = too_many(exc.retry_after)
    return response


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": _("Erreur interne : elle est enregistrée et sera corrigée.")},
                               status=500)


api.add_router("", api_read.router)  # api_write adds its operations to the same router
