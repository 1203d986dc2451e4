"""Cross-site scripting: a corpus of attacks goes into every text people write, nothing executable comes out.

Each payload is written, through the services every form uses, into every field a person types
and a page shows: a fiche's title, pitch, carrier, description, section answers, place address,
link labels (and link addresses that pass the form's validation), image alternative texts and
credits, revision summaries, a profile's name and bio, review messages, suggestions, a refusal
reason, a pending proposal. Then every page showing them is fetched — as a visitor, as the
author, as an editor — and parsed with the standard library's HTML parser: no script but ours
(with the response's CSP nonce) or JSON data blocks, no event-handler or style attribute, no
javascript:/vbscript:/data: address, no frame, object, embed, SVG or MathML element.

Addresses the forms refuse (javascript:…) are checked on the real editor form: they never get in.
"""

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from creative.accounts.roles import Role
from creative.editorial import revisions, suggestions, workflow
from creative.editorial.models import Revision
from creative.editorial.tests.test_editor import edit_url, form_values
from creative.innovations.models import Image, Innovation, Section
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db

PAYLOADS = [
    # Script elements, and breaking out of the element or attribute the text lands in.
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "'><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="alert(1)">clic</a>',
    # SVG and MathML.
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">clic</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Frames, objects, forms, base, meta.
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>Envoyer</button></form>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    # Styles.
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    # Markdown links and images with dangerous addresses.
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](vbscript:msgbox(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://exemple.org/x.png)',
    '[clic](https://exemple.org/"onmouseover="alert(1))',
    # Markdown reference links and autolinks.
    "[clic][ref]\n\n[ref]: javascript:alert(1)",
    '[ref]\n\n[ref]: data:text/html,<script>alert(1)</script> "titre"',
    "<javascript:alert(1)>",
    '<https://exemple.org/"onmouseover=alert(1)>',
    # HTML entities and template syntax.
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "{{ request.user.email }}{% debug %}",
]

FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
                  "srcset", "ping", "srcdoc"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_url_field = forms.URLField(assume_scheme="https")


class ExecutableFinder(HTMLParser):
    """Everything in a page that could run code, except the page's own nonce'd scripts and JSON data."""

    def __init__(self, nonce):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems = []
        self.scripts = 0
        self._data_script = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if values.get("type") in DATA_SCRIPT_TYPES:
                self._data_script = [tag, ""]
            elif not self.nonce or values.get("nonce") != self.nonce:
                self.problems.append(f"script without the page's nonce: {values}")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"<meta http-equiv>: {values}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler on <{tag}>: {name}={value!r}")
            elif name == "style":
                self.problems.append(f"style attribute on <{tag}>: {value!r}")
            elif name in URL_ATTRIBUTES and value and dangerous_url(value):
                self.problems.append(f"dangerous address on <{tag} {name}>: {value!r}")

    def handle_data(self, data):
        if self._data_script:
            self._data_script[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._data_script:
            try:
                json.loads(self._data_script[1])
            except ValueError:
                self.problems.append(f"a JSON data block that is not JSON: {self._data_script[1][:200]!r}")
            self._data_script = None


def dangerous_url(value):
    url = _INVISIBLE.sub("", value).lower()
    return url.startswith(("javascript:", "vbscript:", "data:", "livescript:", "mocha:"))


def nonce_of(response):
    found = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    return found.group(1) if found else None


def executable_parts(response):
    """What could run in the HTML of `response` (an empty list when nothing)."""
    html = response.content.decode()
    finder = ExecutableFinder(nonce_of(response))
    finder.feed(html)
    finder.close()
    problems = list(finder.problems)
    # Belt and braces: a raw "<script" the parser did not count, a forbidden element anywhere.
    raw_scripts = len(re.findall(r"<script\b", html, re.IGNORECASE))
    if raw_scripts != finder.scripts:
        problems.append(f"{raw_scripts} '<script' in the source, {finder.scripts} script elements parsed")
    for tag in sorted(FORBIDDEN_ELEMENTS):
        if re.search(rf"<{tag}\b", html, re.IGNORECASE):
            problems.append(f"raw <{tag} in the source")
    return problems


def clip(text, length):
    return text[:length]


def valid_url_carrying(payload):
    """An address with the payload in it that the link form accepts, as a person could store it."""
    candidate = "https://exemple.org/" + re.sub(r"\s+", "", payload)
    try:
        url = _url_field.clean(candidate)
    except ValidationError:
        return "https://exemple.org/lien"
    # The forms refuse addresses longer than the column (200); PostgreSQL would too.
    return url if len(url) <= 200 else "https://exemple.org/lien"


def png(color=(11, 92, 122)):
    out = io.BytesIO()
    PILImage.new("RGB", (60, 40), color).save(out, format="PNG")
    return out.getvalue()


def fiche_data(payload, *, title=None):
    brest = commune("Brest")
    return {
        **revisions.empty_snapshot(),
        "title": title or clip(payload, 150),
        "pitch": clip(payload, 280),
        "description": f"{payload}\n\nUn paragraphe ordinaire, puis encore :\n\n{payload}",
        "carrier_name": clip(payload, 200),
        "carrier_kind": "association",
        "website": valid_url_carrying(payload),
        "themes": ["numerique"],
        "sections": {section.slug: payload for section in Section.objects.active()},
        "places": [{"commune": brest.code, "commune_name": brest.name, "address": clip(payload, 255),
                    "latitude": None, "longitude": None}],
        "links": [{"label": clip(payload, 200), "url": "https://exemple.org/lien"},
                  {"label": "Un lien", "url": valid_url_carrying(payload)}],
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def write_everything(payload):
    """Every text field of the platform, filled with `payload` by the paths people's forms take."""
    author = UserFactory(profile__display_name=clip(payload, 80), profile__bio=payload)
    editor = UserFactory(roles=[Role.EDITOR], scopes=["pays-de-brest"], profile__display_name="Annaïg Éditrice")
    passerby = UserFactory(profile__display_name=clip(payload, 80))

    fiche = revisions.create_innovation(author, fiche_data(payload), summary=clip(payload, 300))
    changed = {**revisions.snapshot(fiche), "description": f"{payload} (deuxième version)"}
    revisions.save_edit(fiche, author, changed, base_number=fiche.revision_number, summary=clip(payload, 300))
    for position, is_cover in ((1, True), (2, False)):
        Image.objects.create(
            innovation=fiche, file=ContentFile(png(), name="image.png"), alt_text=clip(payload, 255),
            caption=clip(payload, 255), author=clip(payload, 150), source=clip(payload, 255),
            licence=clip(payload, 100), position=position, is_cover=is_cover,
        )
    workflow.submit(fiche, author, payload)
    workflow.comment(fiche, editor, payload)
    workflow.comment(fiche, author, payload)
    suggestions.make(fiche, editor, "pitch", f"{clip(payload, 250)} (suggestion)", payload)
    first_section = Section.objects.active().first()
    suggestions.make(fiche, editor, f"sections.{first_section.slug}", f"{payload} (suggestion)", payload)
    workflow.publish(fiche, editor, payload)
    fiche.refresh_from_db()

    # A contributor's proposal on the published fiche waits for the editors.
    proposal = {**revisions.snapshot(fiche), "pitch": f"{clip(payload, 250)} (proposition)"}
    revisions.save_edit(fiche, passerby, proposal, base_number=fiche.revision_number, summary=clip(payload, 300))
    pending = fiche.revisions.pending().get()

    refused = revisions.create_innovation(author, fiche_data(payload, title="Fiche refusée"))
    workflow.submit(refused, author, payload)
    workflow.reject(refused, editor, payload)
    return {"author": author, "editor": editor, "passerby": passerby, "fiche": fiche, "refused": refused,
            "pending": pending}


def focused_pages(world, payload):
    """(who, url) of one page per field and way of showing it: checked for every payload."""
    fiche, refused, slug = world["fiche"], world["refused"], world["fiche"].slug
    return [
        ("visiteur", fiche.get_absolute_url()),  # text, alt attributes, JSON-LD, map data, links
        ("visiteur", f"{reverse('innovations:list')}?{urlencode({'q': payload})}"),  # cards, highlights, the query
        ("visiteur", reverse("editorial:history", args=[slug])),  # summaries, names
        ("visiteur", reverse("editorial:revision", args=[slug, 2])),  # a version's content
        ("visiteur", f"{reverse('editorial:diff', args=[slug])}?de=1&a=2"),  # word diffs
        ("autrice", reverse("editorial:review", args=[fiche.pk])),  # thread, suggestions and their diffs
        ("autrice", reverse("editorial:review", args=[refused.pk])),  # refusal reason
        ("autrice", reverse("accounts:profile_edit")),  # bio, name, form values
        *(("autrice", edit_url(fiche, step)) for step in ("identite", "lieux", "code-source", "images")),
        ("éditrice", reverse("editorial:proposal", args=[world["pending"].pk])),  # a pending proposal
        ("éditrice", reverse("audit:log")),  # what the log keeps (titles, alt texts, messages)
    ]


def all_pages(world, payload):
    """(who, url) of every page showing what was written, as a visitor, the author and an editor."""
    fiche, refused, slug = world["fiche"], world["refused"], world["fiche"].slug
    last = fiche.revision_number
    lists, maps, diff = reverse("innovations:list"), reverse("innovations:map"), reverse("editorial:diff", args=[slug])
    visitor = [
        "/", lists, f"{lists}?{urlencode({'q': payload})}",
        f"{lists}?{urlencode({'q': 'alert', 'theme': payload, 'territoire': payload, 'tri': payload})}",
        fiche.get_absolute_url(), maps, f"{maps}?{urlencode({'q': payload})}",
        reverse("territories:detail", args=["brest"]), reverse("territories:detail", args=["pays-de-brest"]),
        reverse("editorial:history", args=[slug]),
        *(reverse("editorial:revision", args=[slug, number]) for number in range(1, last + 1)),
        f"{diff}?de=1&a={last}", f"{diff}?{urlencode({'de': payload, 'a': payload})}",
        f"{reverse('account_login')}?{urlencode({'next': payload})}",
        f"/introuvable/{payload.replace('/', '')}/",
    ]
    author = [
        reverse("editorial:my_fiches"), reverse("editorial:review", args=[fiche.pk]),
        reverse("editorial:review", args=[refused.pk]), reverse("accounts:profile_edit"),
        reverse("editorial:coauthors", args=[fiche.pk]),
        *(edit_url(fiche, step) for step in ("identite", "lieux", "code-source", "images", "licence")),
        fiche.get_absolute_url(), reverse("editorial:history", args=[slug]),
    ]
    editor = [
        reverse("editorial:queue"), reverse("editorial:review", args=[fiche.pk]),
        reverse("editorial:review", args=[refused.pk]), reverse("audit:log"),
        reverse("editorial:proposal", args=[world["pending"].pk]),
        reverse("editorial:revert", args=[slug, 1]),
        f"{diff}?de={last}&a={world['pending'].number}",
        *(edit_url(fiche, step) for step in ("identite", "lieux", "code-source", "images", "licence")),
    ]
    return [("visiteur", url) for url in visitor] + [("autrice", url) for url in author] + [
        ("éditrice", url) for url in editor]


def crawl(world, pages, preview_text):
    """Problems found on `pages` ({where: [problem…]}), and in the editor's live preview of `preview_text`."""
    clients = {"visiteur": Client(), "autrice": Client(), "éditrice": Client()}
    clients["autrice"].force_login(world["author"])
    clients["éditrice"].force_login(world["editor"])
    problems = {}
    for who, url in pages:
        response = clients[who].get(url)
        # 400: a comparison of versions that do not exist; 404: the page that does not exist.
        assert response.status_code in (200, 400, 404), f"{who} {url}: HTTP {response.status_code}"
        if found := executable_parts(response):
            problems[f"{who} {url}"] = found
    # The editor's live preview inserts what the server renders into the page.
    fragment = clients["autrice"].post(reverse("editorial:preview"), {"text": preview_text}).json()["html"]
    finder = ExecutableFinder(nonce=None)
    finder.feed(fragment)
    if finder.problems or re.search(r"<script\b", fragment, re.IGNORECASE):
        problems["aperçu"] = finder.problems or [fragment]
    return problems


def report(problems):
    return "\n".join(f"{where}: {found}" for where, found in problems.items())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_runs_from_any_field(payload, territories, media):
    world = write_everything(payload)
    problems = crawl(world, focused_pages(world, payload), payload)
    assert not problems, report(problems)


def test_no_page_runs_anything_of_the_whole_corpus(territories, media):
    """Every page, with long texts holding the whole corpus and short ones as much of it as fits."""
    corpus = "\n\n".join(PAYLOADS)
    world = write_everything(corpus)
    problems = crawl(world, all_pages(world, corpus), corpus)
    assert not problems, report(problems)


def test_the_pages_checked_do_show_the_texts(territories, media):
    """The crawl above looks at the right places: the payload's words are on them, as text."""
    payload = "<b>Bonjour</b> <img src=x onerror=alert(1)>"
    world = write_everything(payload)
    visitor, author, editor = Client(), Client(), Client()
    author.force_login(world["author"])
    editor.force_login(world["editor"])
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    fiche = world["fiche"]
    page = visitor.get(fiche.get_absolute_url()).content.decode()
    assert page.count(escaped) >= 8  # title, pitch, carrier, address, link label, descriptions, answers, credits
    assert 'alt="&lt;b&gt;Bonjour&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;"' in page
    assert escaped in author.get(reverse("accounts:profile_edit")).content.decode()
    review = editor.get(reverse("editorial:review", args=[fiche.pk])).content.decode()
    assert review.count(escaped) >= 4  # messages, suggestion, note, names
    assert escaped in editor.get(reverse("editorial:review", args=[world["refused"].pk])).content.decode()
    assert escaped in visitor.get(reverse("editorial:revision", args=[fiche.slug, 1])).content.decode()
    assert Revision.objects.filter(innovation=fiche, summary=payload).exists()
    assert fiche.state == Innovation.State.PUBLISHED


def test_the_checker_finds_what_it_looks_for():
    """The HTML checker itself, on pages that do let something through."""

    class Page:
        def __init__(self, html, nonce="abc"):
            self.content = html.encode()
            self.headers = {"Content-Security-Policy": f"script-src 'self' 'nonce-{nonce}'"}

    assert executable_parts(Page('<p>ok</p><script nonce="abc" src="/static/x.js"></script>'
                                 '<script type="application/json">{"a": "<\\/script>"}</script>')) == []
    for bad in ["<script>alert(1)</script>", '<script nonce="xyz">1</script>', '<img src=x onerror="alert(1)">',
                '<a href=" jav&#x09;ascript:alert(1)">x</a>', '<a href="DATA:text/html,x">x</a>',
                '<p style="color:red">x</p>', "<iframe src=/x></iframe>", "<svg></svg>",
                '<script type="application/json">{"a": 1}</script><script>alert(1)</script>',
                '<meta http-equiv="refresh" content="0;url=/">']:
        assert executable_parts(Page(bad)), bad


# Addresses the forms refuse ------------------------------------------------------------------------

DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://exemple.org/%0Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", DANGEROUS_URLS)
def test_the_editor_refuses_dangerous_addresses_for_the_website_and_links(client, territories, url):
    author = UserFactory()
    fiche = revisions.create_innovation(author, {"title": "Atelier vélo", "pitch": "Réparer ensemble."})
    client.force_login(author)
    page = client.get(edit_url(fiche, "identite"))
    data = form_values(page.content.decode())
    data.update({"website": url, "links-0-label": "Un lien", "links-0-url": url, "action": "save"})
    response = client.post(edit_url(fiche, "identite"), data)
    assert response.status_code == 200  # the form again, with its errors
    assert "Indiquez une adresse web complète" in response.content.decode()
    fiche.refresh_from_db()
    assert fiche.website == "" and not fiche.links.exists()
    assert not executable_parts(response)
