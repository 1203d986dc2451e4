"""A mail provider's bounce notifications (the weekly letter's « bulk » mailer).

``POST /lettre/rebonds/`` with ``Authorization: Bearer <LETTERS_BOUNCE_WEBHOOK_SECRET>`` and a
JSON body: one event ``{"email": "…", "type": "hard"|"soft"}`` or a list of them. Hard bounces
count towards ``LETTERS_BOUNCE_LIMIT`` (delivery.record_bounce); soft ones are only logged.

The endpoint does not exist (404) until the secret is configured; a wrong secret gets 403, a
malformed body 400 with a JSON error message, and success 200 with the number of events read —
never whether an address is a subscriber. No session, no CSRF token: the secret authorises.
"""

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from creative.letters.delivery import record_bounce

MAX_BODY = 1024 * 1024
MAX_EVENTS = 1000
TYPES = ("hard", "soft")


class BadPayload(ValueError):
    pass


def _authorised(request):
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    expected = settings.LETTERS_BOUNCE_WEBHOOK_SECRET
    # Compared in constant time, and always compared: a wrong scheme costs the same as a wrong token.
    ok = hmac.compare_digest(token.strip().encode(), expected.encode())
    return ok and scheme.lower() == "bearer"


def _events(body):
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadPayload(_("Le corps de la requête n'est pas du JSON valide.")) from None
    events = data if isinstance(data, list) else [data]
    if not events:
        raise BadPayload(_("Aucun événement."))
    if len(events) > MAX_EVENTS:
        raise BadPayload(_("Trop d'événements (%(max)d au plus par requête).") % {"max": MAX_EVENTS})
    clean = []
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise BadPayload(_("Événement n° %(n)d : un objet JSON est attendu.") % {"n": index + 1})
        address, kind = event.get("email"), event.get("type")
        if not isinstance(address, str) or "@" not in address or len(address) > 254:
            raise BadPayload(_("Événement n° %(n)d : adresse « email » manquante ou invalide.") % {"n": index + 1})
        if kind not in TYPES:
            raise BadPayload(_("Événement n° %(n)d : « type » doit valoir « hard » ou « soft ».") % {"n": index + 1})
        clean.append((address, kind))
    return clean


@csrf_exempt
def bounce(request):
    if not settings.LETTERS_BOUNCE_WEBHOOK_SECRET:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _authorised(request):
        return JsonResponse({"error": _("Authentification refusée.")}, status=403)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": _("Requête trop volumineuse.")}, status=400)
    try:
        events = _events(request.body)
    except BadPayload as error:
        return JsonResponse({"error": str(error)}, status=400)
    counts = {"received": len(events), "hard": 0, "soft": 0}
    for address, kind in events:
        record_bounce(address, hard=kind == "hard")
        counts[kind] += 1
    return JsonResponse(counts)
