"""What moderation needs to know about each kind of content, registered by `content.py`.

A kind says how to read its author and text, and how to change its public visibility;
the moderation services and queue work on any registered model through this.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_registry = {}


@dataclass(frozen=True)
class Moderatable:
    model: Any
    label: str  # "un commentaire", "une fiche"… for the queue and messages
    author: Callable  # obj -> user or None
    text: Callable  # obj -> the text a moderator reads (excerpt)
    visibility: Callable  # obj -> a Visibility value
    set_visibility: Callable  # (obj, Visibility) -> None; saves


def register(model, **kwargs):
    _registry[model._meta.label_lower] = Moderatable(model=model, **kwargs)


def for_model(model):
    """The registration of `model`, or None when its content cannot be reported."""
    return _registry.get(model._meta.label_lower)


def for_object(obj):
    return for_model(type(obj))


def registered():
    return list(_registry.values())
