"""PLACEHOLDER (helper X replaces this file)."""

from django.http import Http404


def csv_export(request):
    raise Http404


def geojson_export(request):
    raise Http404


def jsonld_export(request):
    raise Http404
