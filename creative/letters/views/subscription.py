"""PLACEHOLDER (helper A replaces this file)."""

from django.http import Http404


def subscribe(request):
    raise Http404


def subscribe_done(request):
    raise Http404


def confirm(request, token):
    raise Http404


def preferences(request, token):
    raise Http404


def unsubscribe(request, token):
    raise Http404
