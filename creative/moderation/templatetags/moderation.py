"""`{% load moderation %}`: the « Signaler » link of any registered content.

    <a href="{% report_url comment %}" rel="nofollow">Signaler</a>
"""

from django import template
from django.urls import reverse

from .. import registry

register = template.Library()


@register.simple_tag
def report_url(obj):
    """The report page of `obj`, or "" when its kind cannot be reported."""
    if obj is None or registry.for_object(obj) is None:
        return ""
    return reverse("moderation:report", args=[obj._meta.label_lower, obj.pk])
