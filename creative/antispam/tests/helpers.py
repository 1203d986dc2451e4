"""Helpers of the anti-spam tests."""

import html
import re


def opened_at(response, prefix=""):
    """The signed opening time a page gave the form with `prefix`."""
    name = f"{prefix}-opened_at" if prefix else "opened_at"
    match = re.search(rf'name="{re.escape(name)}"[^>]* value="([^"]+)"', response.text)
    assert match, f"no {name} field on the page"
    return match.group(1)


def page_text(response):
    """The page as a person reads it: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))
