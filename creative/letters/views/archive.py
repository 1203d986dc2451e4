"""PLACEHOLDER (helper B replaces this file)."""

from django.contrib.syndication.views import Feed
from django.http import Http404


def archive(request):
    raise Http404


def issue(request, number):
    raise Http404


class AtomFeed(Feed):
    title = link = description = "placeholder"

    def items(self):
        return []


class RssFeed(AtomFeed):
    pass
