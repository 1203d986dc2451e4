"""Content heuristics: a score for a text, the reasons behind it, and whether to hold it.

    verdict = assess(text, author=request.user, kind="comment")
    if verdict.held: ...   # score ≥ ANTISPAM_HOLD_SCORE: keep it for a moderator
    else: publish(...); remember(text)

Each heuristic adds points with a reason (code, French explanation, weight) that a moderator
can read; none is enough alone at the default threshold (5) except a very clear case, so a
text is held when several signals agree:

- links: each link counts (less in a long text: density), more for new accounts and
  anonymous people, less for trusted ones; many links, a text that is mostly links and
  link shorteners count more;
- vocabulary: the weighted terms of ANTISPAM_WORDS_FILE (commercial spam, French and English);
- repetition: the same or nearly the same text stored recently by anyone (`remember()`),
  kept in the cache ANTISPAM_REPEAT_HOURS; texts of the same `scope` (the same fiche, the
  same profile) are not compared with each other;
- language: a text long enough with too few French, Breton or English function words, or
  written in another alphabet;
- shouting: mostly capitals, runs of "!!!" or "$$$";
- an external checker (ANTISPAM_CHECKER, e.g. Akismet) when one is configured: its "spam"
  alone reaches the threshold; its failures add nothing.

No dependency, no model: word lists are data files, fingerprints live in the cache.
"""

import functools
import hashlib
import itertools
import logging
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .links import find_links, is_new_account, is_trusted_writer, strip_links

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Links: points per link, times the author's factor, scaled down below LINK_NORMAL_DENSITY links
# per 100 words; from MANY_LINKS links on, each one adds MANY_LINKS_WEIGHT (times the factor).
LINK_WEIGHT = 0.75
AUTHOR_LINK_FACTOR = {"anonymous": 2.0, "new": 2.0, "established": 1.0, "trusted": 0.5}
LINK_NORMAL_DENSITY = 2.0
MANY_LINKS, MANY_LINKS_WEIGHT = 5, 0.5
LINK_HEAVY_WORDS_PER_LINK = 10  # fewer words than this per link (with 2 links or more): mostly links
LINK_HEAVY_WEIGHT = 1.0
SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rebrand.ly",
    "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "bl.ink", "lnkd.in",
})
SHORTENER_WEIGHT = 1.0
# Vocabulary: a term found n times counts weight × (1 + 0.5 × (n − 1)), n up to 5.
TERM_REPEAT_BONUS, TERM_REPEAT_CAP = 0.5, 5
# Repetition.
REPEAT_MIN_WORDS = 12
REPEAT_EXACT_WEIGHT = 3.5
REPEAT_NEAR_WEIGHT = 3.0
NEAR_SIMILARITY = 0.75  # estimated share of word pairs in common
MINHASH_BANDS, MINHASH_ROWS = 8, 2  # 16 values, one blake2b digest per word pair
NEAR_KEEP = 8  # fingerprints kept per bucket
# Language.
LANGUAGE_MIN_WORDS = 12
LANGUAGE_MIN_RATIO = 0.15  # share of function words of the best of French, Breton, English
LANGUAGE_WEIGHT = 3.5
FOREIGN_SCRIPT_MIN_LETTERS = 20
# Shouting.
CAPS_MIN_LETTERS = 20
CAPS_RATIO = 0.6
CAPS_WEIGHT = 1.5
PUNCTUATION_RUN_RE = re.compile(r"([!?$€*])\1{2,}")
PUNCTUATION_WEIGHT, PUNCTUATION_CAP = 0.5, 1.5

CACHE_PREFIX = "antispam"


@dataclass(frozen=True)
class Verdict:
    """A text's `score`, its `reasons` [(code, French explanation, weight)], and `held` (score ≥ threshold)."""

    score: float
    reasons: list = field(default_factory=list)
    held: bool = False

    @property
    def codes(self):
        return [code for code, _explanation, _weight in self.reasons]


# Text helpers ----------------------------------------------------------------------------------------

def fold(text):
    """Lower case, no accents, Breton c'h as ch, typographic apostrophes as plain ones."""
    text = (text or "").replace("’", "'").replace("ʼ", "'").lower()
    text = re.sub(r"c'h", "ch", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text):
    """The words of `text` (folded, links and email addresses left out)."""
    return re.findall(r"[^\W\d_]+", fold(strip_links(text)))


def _fmt(number):
    return f"{number:.2f}".rstrip("0").rstrip(".").replace(".", ",")


# Word lists -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    pattern: re.Pattern


def _term_pattern(term):
    prefix = term.endswith("*")
    words = re.split(r"[\s\-]+", fold(term.rstrip("*")).strip())
    parts = [re.escape(word) + "[sx]?" for word in words]
    if prefix:
        parts[-1] = re.escape(words[-1]) + r"\w*"
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(parts) + r"(?!\w)")


@functools.lru_cache(maxsize=8)
def _load_terms(path, mtime):
    terms = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        weight, _sep, text = line.partition(" ")
        try:
            terms.append(Term(text.strip(), float(weight), _term_pattern(text.strip())))
        except ValueError:
            raise ValueError(f"{path}, line {number}: expected a weight then a term, got {line!r}") from None
    return tuple(terms)


def spam_terms():
    """The weighted terms of ANTISPAM_WORDS_FILE, reloaded when the file changes."""
    path = Path(settings.ANTISPAM_WORDS_FILE)
    return _load_terms(str(path), path.stat().st_mtime)


@functools.lru_cache(maxsize=4)
def stop_words(language):
    text = (DATA_DIR / f"stopwords-{language}.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


SITE_LANGUAGES = ("fr", "br", "en")


# The author ---------------------------------------------------------------------------------------

def author_state(user):
    """"anonymous", "new" (first days, not trusted), "established" or "trusted"."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    if is_trusted_writer(user):
        return "trusted"
    return "new" if is_new_account(user) else "established"


# The heuristics ------------------------------------------------------------------------------------

def _link_reasons(text, state):
    links = find_links(text)
    if not links:
        return []
    factor = AUTHOR_LINK_FACTOR[state]
    count, word_count = len(links), len(words_of(text))
    density = 100 * count / max(word_count, 1)
    # A link or two in a long text is ordinary: below LINK_NORMAL_DENSITY, links weigh less.
    each = LINK_WEIGHT * factor * min(1.0, density / LINK_NORMAL_DENSITY)
    who = {
        "anonymous": _("personne non connectée : chaque lien compte double"),
        "new": _("compte de moins de %(days)s jours : chaque lien compte double")
        % {"days": settings.ANTISPAM_NEW_ACCOUNT_DAYS},
        "established": "",
        "trusted": _("contribution de confiance : chaque lien compte moitié moins"),
    }[state]
    explanation = ngettext("%(count)s lien externe, %(density)s pour 100 mots",
                           "%(count)s liens externes, %(density)s pour 100 mots", count) % {
        "count": count, "density": _fmt(density)}
    explanation += f" ({_fmt(each)} " + _("point chacun") + (f", {who}" if who else "") + ")"
    reasons = [("links", explanation, each * count)]
    if count >= MANY_LINKS:
        reasons.append(("many_links", _("Beaucoup de liens dans un seul texte (%(count)s).") % {"count": count},
                        MANY_LINKS_WEIGHT * factor * (count - MANY_LINKS + 1)))
    if count >= 2 and word_count < LINK_HEAVY_WORDS_PER_LINK * count:
        reasons.append(("link_heavy", _("Le texte est surtout fait de liens (%(words)s mots pour %(links)s liens).")
                        % {"words": word_count, "links": count}, LINK_HEAVY_WEIGHT * factor))
    hosts = [(urlsplit(url if "://" in url else f"https://{url}").hostname or "").removeprefix("www.")
             for url in links]
    shortened = sum(host in SHORTENERS for host in hosts)
    if shortened:
        reasons.append(("link_shortener", _("Des liens raccourcis cachent leur destination (%(count)s).")
                        % {"count": shortened}, min(2, shortened) * SHORTENER_WEIGHT))
    return reasons


def _vocabulary_reasons(text):
    # Addresses are read too, as words: "coffre-fort-pas-cher.example" sells the same thing.
    addresses = " ".join(re.sub(r"[\W_]+", " ", url) for url in find_links(text))
    folded = fold(f"{strip_links(text)}\n{addresses}")
    found, total = [], 0.0
    for term in spam_terms():
        count = len(term.pattern.findall(folded))
        if count:
            total += term.weight * (1 + TERM_REPEAT_BONUS * (min(count, TERM_REPEAT_CAP) - 1))
            if term.weight > 0:
                found.append(f"« {term.text} »" + (f" ×{count}" if count > 1 else ""))
    if total <= 0 or not found:
        return []
    return [("vocabulary", _("Vocabulaire publicitaire : %(terms)s.") % {"terms": ", ".join(found[:6])}, total)]


def _language_reasons(text, words):
    letters = [ch for ch in strip_links(text) if ch.isalpha()]
    if len(letters) >= FOREIGN_SCRIPT_MIN_LETTERS:
        latin = sum(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)
        if latin / len(letters) < 0.5:
            return [("language", _("Le texte est écrit dans un alphabet que le site n'emploie pas."), LANGUAGE_WEIGHT)]
    if len(words) < LANGUAGE_MIN_WORDS:
        return []
    best = max(sum(word in stop_words(language) for word in words) / len(words) for language in SITE_LANGUAGES)
    if best >= LANGUAGE_MIN_RATIO:
        return []
    return [("language", _("Le texte ne semble écrit ni en français, ni en breton, ni en anglais."), LANGUAGE_WEIGHT)]


def _shouting_reasons(text):
    reasons = []
    letters = [ch for ch in strip_links(text) if ch.isalpha()]
    if len(letters) >= CAPS_MIN_LETTERS:
        ratio = sum(ch.isupper() for ch in letters) / len(letters)
        if ratio >= CAPS_RATIO:
            reasons.append(("shouting", _("Le texte est presque tout en capitales."), CAPS_WEIGHT))
    runs = len(PUNCTUATION_RUN_RE.findall(text))
    if runs:
        reasons.append(("punctuation", _("Ponctuation répétée (« !!! », « $$$ »…)."),
                        min(PUNCTUATION_CAP, runs * PUNCTUATION_WEIGHT)))
    return reasons


# Repetition -------------------------------------------------------------------------------------------

def _repeat_seconds():
    return int(getattr(settings, "ANTISPAM_REPEAT_HOURS", 72) * 3600)


def _tokens(text):
    return re.findall(r"[^\W_]+", fold(text))


def _exact_key(tokens):
    return f"{CACHE_PREFIX}:seen:" + hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32]


def _signature(tokens):
    """A MinHash of the text's word pairs: 16 minima from one blake2b digest per pair."""
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(tokens)} or set(tokens)
    size = MINHASH_BANDS * MINHASH_ROWS
    minima = [0xFFFFFFFF] * size
    for pair in pairs:
        values = struct.unpack(f"<{size}I", hashlib.blake2b(pair.encode(), digest_size=4 * size).digest())
        minima = [min(a, b) for a, b in zip(minima, values, strict=True)]
    return minima


def _band_keys(signature):
    rows = MINHASH_ROWS
    return [
        f"{CACHE_PREFIX}:near:{band}:" + "".join(f"{v:08x}" for v in signature[band * rows:(band + 1) * rows])
        for band in range(MINHASH_BANDS)
    ]


def _repeat_reasons(pieces, scope):
    if _repeat_seconds() <= 0:
        return []
    for piece in pieces:
        tokens = _tokens(piece)
        if len(tokens) < REPEAT_MIN_WORDS:
            continue
        seen = cache.get(_exact_key(tokens))
        if seen is not None and not (scope and seen == scope):
            return [("repeated", _("Le même texte a déjà été envoyé récemment."), REPEAT_EXACT_WEIGHT)]
        signature = _signature(tokens)
        for bucket in cache.get_many(_band_keys(signature)).values():
            for other, other_scope in bucket:
                if scope and other_scope == scope:
                    continue
                similarity = sum(a == b for a, b in zip(signature, other, strict=True)) / len(signature)
                if similarity >= NEAR_SIMILARITY:
                    return [("repeated", _("Un texte presque identique a déjà été envoyé récemment."),
                             REPEAT_NEAR_WEIGHT)]
    return []


def remember(text, *, scope=None):
    """Keep the fingerprints of `text` (a string or a list of pieces) for the repetition check.

    Call it when content is stored (published, or held for a moderator). `scope` names where
    it belongs ("innovation:12", "profile:3"): texts of one scope are not compared together.
    """
    timeout = _repeat_seconds()
    if timeout <= 0:
        return
    for piece in [text] if isinstance(text, str) else list(text):
        tokens = _tokens(piece)
        if len(tokens) < REPEAT_MIN_WORDS:
            continue
        cache.set(_exact_key(tokens), scope or "", timeout)
        signature = _signature(tokens)
        keys = _band_keys(signature)
        buckets = cache.get_many(keys)
        cache.set_many(
            {key: [*buckets.get(key, [])[-(NEAR_KEEP - 1):], (signature, scope or "")] for key in keys}, timeout
        )


# External checker ---------------------------------------------------------------------------------

def _checker_reasons(text, *, author, kind, request):
    path = getattr(settings, "ANTISPAM_CHECKER", "")
    if not path:
        return []
    try:
        checker = import_string(path)()
        spam = checker.check(text, author=author, kind=kind, request=request)
    except Exception:  # a broken or unreachable checker never blocks posting
        logger.exception("Anti-spam checker %s failed; the text is scored without it.", path)
        return []
    if not spam:
        return []
    name = getattr(checker, "name", path.rsplit(".", 1)[-1])
    return [("external", _("Le service %(name)s considère ce texte comme indésirable.") % {"name": name},
             float(settings.ANTISPAM_HOLD_SCORE))]


# The verdict --------------------------------------------------------------------------------------

def assess(text, *, author=None, kind="comment", scope=None, request=None):
    """Score `text` (a string, or a list of pieces of one contribution) written by `author`.

    `kind` says what it is ("comment", "fiche", "profile", "message"…) for the external
    checker and the logs; `scope` see remember(); `request` gives the checker the client's
    address and browser. Never raises for a text: a failing checker is logged and skipped.
    """
    pieces = [text] if isinstance(text, str) else [piece for piece in text if piece]
    joined = "\n\n".join(piece for piece in pieces if piece)
    if not joined.strip():
        return Verdict(0.0, [], False)
    state = author_state(author)
    words = words_of(joined)
    reasons = [
        *_link_reasons(joined, state),
        *_vocabulary_reasons(joined),
        *_repeat_reasons(pieces, scope),
        *_language_reasons(joined, words),
        *_shouting_reasons(joined),
        *_checker_reasons(joined, author=author, kind=kind, request=request),
    ]
    score = round(sum(weight for _code, _explanation, weight in reasons), 2)
    held = score >= float(settings.ANTISPAM_HOLD_SCORE)
    if held:
        logger.info("Content held as likely spam (%s, score %s): %s", kind, score, ", ".join(c for c, *_ in reasons))
    return Verdict(score, reasons, held)
