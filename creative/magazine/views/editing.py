"""PLACEHOLDER (helper M1 replaces this file)."""

from django.http import Http404


def create(request):
    raise Http404


def mine(request):
    raise Http404


def queue(request):
    raise Http404


def edit(request, pk):
    raise Http404


def review(request, pk):
    raise Http404


def history(request, pk):
    raise Http404


def revision(request, pk, number):
    raise Http404
