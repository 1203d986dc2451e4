"""PLACEHOLDER (helper C replaces this file)."""

from django.http import Http404


def bounce(request):
    raise Http404
