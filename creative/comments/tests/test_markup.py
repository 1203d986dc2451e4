"""The small Markdown of comments: what it keeps, and everything it refuses."""

import re

import pytest

from creative.comments.markup import render_comment_markdown as render


def test_emphasis_paragraphs_and_line_breaks():
    html = render("Un *beau* projet, **vraiment**.\nÀ suivre.\n\nDeuxième paragraphe.")
    assert html == ("<p>Un <em>beau</em> projet, <strong>vraiment</strong>.<br>\nÀ suivre.</p>\n"
                    "<p>Deuxième paragraphe.</p>\n")


def test_lists():
    html = render("- vis\n- écrous\n\n1. démonter\n2. réparer")
    assert "<ul>\n<li>vis</li>\n<li>écrous</li>\n</ul>" in html
    assert "<ol>\n<li>démonter</li>\n<li>réparer</li>\n</ol>" in html


def test_inline_and_fenced_code_are_escaped():
    html = render("Tapez `make run` puis :\n\n```\n<script>alert(1)</script>\n```")
    assert "<code>make run</code>" in html
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>" in html


def test_links_get_nofollow_ugc_noopener():
    html = render("Voir [le site](https://repair.example.org/horaires) et <https://autre.example.org>.")
    assert '<a href="https://repair.example.org/horaires" rel="nofollow ugc noopener">le site</a>' in html
    assert '<a href="https://autre.example.org" rel="nofollow ugc noopener">https://autre.example.org</a>' in html


def test_bare_addresses_become_links_without_the_sentence_punctuation():
    html = render("Nos horaires : https://repair.example.org/horaires. (Ou https://fr.wikipedia.org/wiki/Brest_(Finistère).)")
    assert '<a href="https://repair.example.org/horaires" rel="nofollow ugc noopener">' in html
    assert "</a>. (Ou" in html
    assert 'href="https://fr.wikipedia.org/wiki/Brest_(Finist%C3%A8re)"' in html
    assert "</a>.)</p>" in html


def test_no_images():
    html = render("![photo](https://pub.example.com/pixel.png)")
    assert "<img" not in html


def test_no_headings_tables_quotes_or_rules():
    html = render("# Titre\n\nSous-titre\n===\n\n> citation\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---")
    for tag in ("<h1", "<h2", "<h3", "<table", "<blockquote", "<hr"):
        assert tag not in html
    assert "# Titre" in html  # kept as text


@pytest.mark.parametrize("text", [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="https://example.org" onclick="steal()">lien</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<b>gras</b> <div style='position:fixed'>x</div>",
])
def test_raw_html_is_text(text):
    html = render(text)
    tags = re.findall(r"<(/?[a-z]+)", html)
    assert set(tags) <= {"p", "/p", "a", "/a"}, html  # no tag of the author's survives
    # Only the addresses written in the text became links, with nothing but href and rel.
    for attributes in re.findall(r"<a ([^>]*)>", html):
        assert re.fullmatch(r'href="https://[^"]+" rel="nofollow ugc noopener"', attributes), attributes
    assert "&lt;" in html  # shown as typed, escaped


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "mailto:someone@example.org",
])
def test_dangerous_or_mail_links_are_dropped(target):
    html = render(f"[cliquez]({target}) et <{target}>")
    assert 'href="javascript' not in html.lower() and 'href="data' not in html and 'href="vbscript' not in html
    assert 'href="mailto' not in html


def test_empty_text():
    assert render("") == "" and render(None) == ""
