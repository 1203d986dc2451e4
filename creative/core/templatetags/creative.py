import json

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from creative.core.markdown import render_markdown

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def jsonld(data):
    """Serialise data for a <script type="application/ld+json"> block, safe inside HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308 (<, >, & escaped)


@register.simple_tag
def toggle_param(filters, name, value):
    """Querystring of the current filters with `value` added to or removed from `name`."""
    current = [v for k, v in filters.as_params() if k == name]
    new = [v for v in current if v != value] if value in current else [*current, value]
    return escape(filters.querystring(**{name: new}))


@register.simple_tag
def is_selected(filters, name, value):
    return any(k == name and v == value for k, v in filters.as_params())
