"""PLACEHOLDER (helper B replaces this file)."""

from django.http import Http404


def manage(request):
    raise Http404


def compose(request):
    raise Http404


def edit(request, number):
    raise Http404


def preview(request, number):
    raise Http404


def send_test(request, number):
    raise Http404


def send(request, number):
    raise Http404
