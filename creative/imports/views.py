"""PLACEHOLDER (helper I owns sources…apply_run; helper D owns duplicates and duplicate_detail)."""

from django.http import Http404


def sources(request):
    raise Http404


def source_create(request):
    raise Http404


def source_detail(request, slug):
    raise Http404


def upload(request, slug):
    raise Http404


def sync(request, slug):
    raise Http404


def run_detail(request, pk):
    raise Http404


def run_progress(request, pk):
    raise Http404


def apply_run(request, pk):
    raise Http404


def duplicates(request):
    raise Http404


def duplicate_detail(request, pk):
    raise Http404
