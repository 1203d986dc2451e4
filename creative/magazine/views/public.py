"""PLACEHOLDER (helper M2 replaces this file)."""

from django.contrib.syndication.views import Feed
from django.http import Http404


def index(request):
    raise Http404


def category(request, slug):
    raise Http404


def author(request, slug):
    raise Http404


def month(request, year, month):
    raise Http404


def article(request, slug):
    raise Http404


def dossier_points(request, slug):
    raise Http404


class AtomFeed(Feed):
    title = link = description = "placeholder"

    def items(self):
        return []


class RssFeed(AtomFeed):
    pass
