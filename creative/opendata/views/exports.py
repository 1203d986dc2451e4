"""Downloads of the published fiches of a list or map view: CSV, GeoJSON, JSON-LD.

The GET parameters are the list's (q, theme, territoire, porteur, statut; unknown values are
ignored, as on the list), so the links under a filtered list or map export what it shows.
Exports are streamed: the whole set of 100,000 fiches never sits in memory.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import exports


def export_response(request, fmt):
    chunks, content_type, extension = exports.FORMATS[fmt]
    filters, queryset = exports.public_fiches(request.GET)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks(exports.iterate(queryset), base_url)),
        content_type=content_type,
    )
    suffix = "-selection" if filters.is_active else ""
    filename = f"innovations{suffix}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Public data under an open licence: any site may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def csv_export(request):
    return export_response(request, "csv")


@require_GET
def geojson_export(request):
    return export_response(request, "geojson")


@require_GET
def jsonld_export(request):
    return export_response(request, "jsonld")
