"""Cursor pagination for the API: stable while content is added, with a `next` link.

A page is read after an opaque cursor naming the last row of the previous page by its
ordering keys — (updated_at, id) for fiches, id for the other lists — never by an offset:
rows created (or fiches updated) while a client walks the pages go to the end, so no row
is skipped and none of the pages already read shifts.
"""

import base64
import binascii
import json
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class BadCursor(ValueError):
    """The cursor was not issued by this API (or was altered); the message is for the client."""


def encode_cursor(values):
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, kinds):
    """The values of a cursor, checked against `kinds` ("datetime" or "int", one per key)."""
    message = _("Le curseur de pagination n'est pas valide : reprenez le lien « next » de la page précédente.")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise BadCursor(message) from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor(message)
    decoded = []
    for kind, value in zip(kinds, values, strict=True):
        if kind == "int":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
                raise BadCursor(message)
            decoded.append(value)
        else:
            try:
                moment = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise BadCursor(message)
            decoded.append(moment)
    return decoded


def _after(keys, values):
    """Rows strictly after `values` in the ascending order of `keys` (a lexicographic comparison)."""
    condition = Q()
    for i, key in enumerate(keys):
        step = Q(**{f"{key}__gt": values[i]})
        for previous, value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{previous: value})
        condition |= step
    return condition


def paginate(request, queryset, *, limit, cursor=None, keys=("id",)):
    """One page of `queryset` in the ascending order of `keys`: (rows, next URL or None).

    `keys` name fields of the model; the last must be unique (the primary key).
    """
    kinds = ["datetime" if isinstance(queryset.model._meta.get_field(k), _datetime_fields()) else "int"
             for k in keys]
    queryset = queryset.order_by(*keys)
    if cursor:
        queryset = queryset.filter(_after(keys, decode_cursor(cursor, kinds)))
    rows = list(queryset[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if has_more and rows:
        last = rows[-1]
        values = []
        for key, kind in zip(keys, kinds, strict=True):
            value = getattr(last, key)
            values.append(value.isoformat() if kind == "datetime" else value)
        params = [(k, v) for k, vs in request.GET.lists() if k != "cursor" for v in vs]
        params.append(("cursor", encode_cursor(values)))
        next_url = request.build_absolute_uri(request.path) + "?" + urlencode(params)
    return rows, next_url


def _datetime_fields():
    from django.db import models

    return (models.DateTimeField,)
