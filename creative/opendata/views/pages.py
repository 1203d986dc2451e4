"""PLACEHOLDER (helper X owns open_data and dump_file; helper A owns api_docs and tokens)."""

from django.http import Http404


def open_data(request):
    raise Http404


def dump_file(request, name):
    raise Http404


def api_docs(request):
    raise Http404


def tokens(request):
    raise Http404
