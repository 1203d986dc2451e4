"""PLACEHOLDER (helper O replaces this file)."""

from django.http import Http404


def observatory(request):
    raise Http404


def most_read(request):
    raise Http404


def chart_csv(request, name):
    raise Http404


def coverage_points(request):
    raise Http404


def dashboard(request):
    raise Http404


def ask_freshness(request, pk):
    raise Http404
