"""PLACEHOLDER (helper R replaces this file)."""

from django.http import Http404


def card(request, slug):
    raise Http404


def map_widget(request):
    raise Http404


def oembed(request):
    raise Http404
