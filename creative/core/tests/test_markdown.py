import re

from creative.core.markdown import render_markdown


def test_markdown_basics():
    html = render_markdown("## Titre\n\nDu **gras**, un [lien](https://example.org).\n\n- un\n- deux")
    assert "<h3>Titre</h3>" in html  # author headings start below the page's h1/h2
    assert "<strong>gras</strong>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">lien</a>' in html
    assert "<li>un</li>" in html


def test_raw_html_and_scripts_never_pass():
    for attack in [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="https://x" onclick="alert(1)">x</a>',
        "<iframe src='https://evil'></iframe>",
        "![x](javascript:alert(1))",
    ]:
        html = render_markdown(attack)
        # Escaped text is harmless; no live tag, handler or javascript: URL may come out.
        assert "<script" not in html and "<iframe" not in html
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", html)
        assert not re.search(r"(href|src)=\"javascript:", html)


def test_empty_text():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
