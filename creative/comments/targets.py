"""What can be commented on: a registry of content types, like creative.moderation.registry.

A kind says when an object is public (only public objects take comments, and only their
page shows them), who its authors are (they hear of new comments) and how to name it in
messages. Fiches are registered here; articles and events will register themselves the same
way and reuse the `{% comments_section obj %}` tag.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

_registry = {}


@dataclass(frozen=True)
class Commentable:
    model: Any
    is_public: Callable  # obj -> bool: comments are shown and accepted only then
    authors: Callable  # obj -> iterable of users told about new comments
    title: Callable  # obj -> str, for messages and emails
    noun: str  # "la fiche"… in French sentences ("Commenter la fiche « … »")

    @property
    def label(self):
        return self.model._meta.label_lower


def register(model, **kwargs):
    _registry[model._meta.label_lower] = Commentable(model=model, **kwargs)


def for_label(label):
    """The kind registered as "app_label.model_name" (as in URLs), or None."""
    return _registry.get((label or "").lower())


def for_object(obj):
    return _registry.get(type(obj)._meta.label_lower) if obj is not None else None


def public_object(label, pk):
    """The public object `label` #`pk` that takes comments, or None (unknown kind, missing, not public)."""
    kind = for_label(label)
    if kind is None:
        return None
    obj = kind.model._default_manager.filter(pk=pk).first()
    if obj is None or not kind.is_public(obj):
        return None
    return obj


# Fiches ------------------------------------------------------------------------------------------

def _fiche_authors(fiche):
    return get_user_model().objects.filter(authorships__innovation=fiche, is_active=True).distinct()


def register_defaults():
    from creative.innovations.models import Innovation

    register(
        Innovation,
        is_public=lambda fiche: fiche.is_published,
        authors=_fiche_authors,
        title=lambda fiche: fiche.title,
        noun=_("la fiche"),
    )
