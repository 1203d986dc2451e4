"""The small Markdown of comments: paragraphs, emphasis, links, lists, code. Nothing else.

Fiches use the full CommonMark of creative.core.markdown; a comment is a few lines in a
public thread, so it gets no images (a way to track readers and to post advertising),
no headings (they would break the page's outline), no tables, no quotes and no HTML.
The same two layers as the fiches: markdown-it only knows the enabled rules (raw HTML is
text), then nh3 keeps an allow-list of tags and http(s) links, each marked
`rel="nofollow ugc noopener"` (no search-engine credit for links posted by visitors).

Bare web addresses ("voir https://…") become links too: markdown-it-py's own linkify needs
an extra dependency, and a small core rule on the parsed tokens is enough here.
"""

import re

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

BLOCK_RULES = ["paragraph", "list", "fence"]
INLINE_RULES = ["newline", "escape", "backticks", "emphasis", "link", "autolink", "entity"]

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https"}
LINK_REL = "nofollow ugc noopener"

# http(s) addresses written as plain text; trailing punctuation belongs to the sentence.
BARE_URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»"


def _trim(url):
    """`url` without the sentence's punctuation after it ("(voir https://a.org)." → https://a.org).

    A closing parenthesis stays when the address opened one (https://fr.wikipedia.org/wiki/Brest_(Finistère)).
    """
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _bare_url_tokens(text, md):
    """`text` split into text tokens and links around its bare addresses."""
    tokens, position = [], 0
    for match in BARE_URL_RE.finditer(text):
        url = _trim(match.group(0))
        href = md.normalizeLink(url)
        if not url or not md.validateLink(href):
            continue
        start, end = match.start(), match.start() + len(url)
        if start > position:
            tokens.append(Token("text", "", 0, content=text[position:start]))
        tokens.append(Token("link_open", "a", 1, attrs={"href": href}, markup="linkify", info="auto"))
        tokens.append(Token("text", "", 0, content=url))
        tokens.append(Token("link_close", "a", -1, markup="linkify", info="auto"))
        position = end
    if position < len(text):
        tokens.append(Token("text", "", 0, content=text[position:]))
    return tokens


def _make_factory(md):
    def link_bare_urls(state):
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children, depth = [], 0
            for token in block.children:
                if token.type == "link_open":
                    depth += 1
                elif token.type == "link_close":
                    depth -= 1
                if token.type == "text" and not depth and BARE_URL_RE.search(token.content):
                    children.extend(_bare_url_tokens(token.content, md))
                else:
                    children.append(token)
            block.children = children

    return link_bare_urls


def _parser():
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False, "typographer": False})
    md.enable(BLOCK_RULES).enable(INLINE_RULES)
    md.core.ruler.push("bare_links", _make_factory(md))
    return md


_md = _parser()


def render_comment_markdown(text):
    """Safe HTML for a comment's text (a SafeString)."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
    )
    return mark_safe(clean)  # noqa: S308 (nh3 kept only the allow-listed tags, attributes and schemes)
