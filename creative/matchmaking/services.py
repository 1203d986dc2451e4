"""Putting fiches and people in touch: close fiches, people who can help, answers to an idea.

- `similar_innovations(fiche)` — the "Innovations proches" of a fiche;
- `helpers_for(fiche or matches, origin)` — "Qui peut vous aider": ambassadors of those fiches;
- `match_project(text, commune)` — the "J'ai un projet" page: fiches, ambassadors, open calls for
  help, and what registered providers (open workshops…) offer.

Every suggestion carries the reasons it was made, in French: shared themes, shared words, distance.

Cost is bounded whatever the number of fiches: candidates come from the full-text index (the
CANDIDATES best matches of an any-word query, itself bounded: see search.AnyWordQuery) and from
the fiches sharing themes (CANDIDATES most recent ones, among the THEME_WINDOW most recently
published); only those are scored here, in Python, from their search document, themes and
places — the same way on SQLite and PostgreSQL. Measured on the generated corpus of 100,000
fiches (python -m bench), SQLite: about 0.2–0.4 s per idea or fiche, uncached. The fiche's
matches are cached until any fiche changes (cached_per_version); the page's answers are not.
"""

import logging
import math
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from creative.accounts.models import Profile
from creative.calls.models import CallForHelp
from creative.innovations.models import Innovation, Place, SearchDocument, Theme
from creative.innovations.search import IDEA_STOP_WORDS, WORD_RE, AnyWordQuery, fold, stem, terms
from creative.innovations.services import cached_per_version
from creative.network.models import Ambassador

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0
NEAR_KM = 50  # the proximity bonus fades to nothing at this distance; "nearby" means within it
CANDIDATES = 60  # fiches taken from the text search, and as many from shared themes
THEME_WINDOW = 5000  # fiches sharing themes are looked for among this many most recently published
THEME_POOL = 2000  # recent fiches on a project's themes among which the nearest are looked for
AMBASSADOR_POOL = 300
CALL_POOL = 200
CACHE_SECONDS = 600
MAX_REASON_WORDS = 6
MAX_INFERRED_THEMES = 3
MIN_THEME_CONFIDENCE = 0.5
DESCRIPTION_TERMS = 12  # most frequent words of a fiche's description added to its query
BODY_CHARS = 20_000  # read from a candidate's body to find shared words

# Score = text similarity (0–1) and share of themes (0–1), weighted, and a bonus for nearness.
WEIGHT_TEXT = 2.0
WEIGHT_THEMES = 1.5
WEIGHT_NEAR = 0.5
MIN_TEXT = 0.04  # below this, a fiche sharing no theme is not suggested
# The ambassadors suggested are those of fiches scoring at least this, and this share of the best.
HELPER_MIN_SCORE = 0.3
HELPER_SHARE_OF_BEST = 0.25
# Where a shared word is found in the candidate: title counts more than body.
FIELD_FACTORS = (("title", 1.0), ("pitch", 0.8), ("keywords", 0.6), ("body", 0.5))


# --- Geometry -----------------------------------------------------------------------------------

def haversine_km(a, b):
    """Great-circle distance between two (lat, lng) points, in kilometres."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_km(origins, points):
    """Smallest distance between any origin and any point; None if either list is empty."""
    distances = [haversine_km(o, p) for o in origins for p in points]
    return min(distances) if distances else None


def proximity(distance_km):
    """1 on the spot, fading linearly to 0 at NEAR_KM; 0 when unknown."""
    if distance_km is None:
        return 0.0
    return max(0.0, 1.0 - distance_km / NEAR_KM)


def points_of(innovation_ids):
    """{fiche id: [(lat, lng), …]} of the fiches' places (precise point, else the commune's)."""
    points = {}
    rows = Place.objects.filter(innovation_id__in=list(innovation_ids)).values_list(
        "innovation_id", "map_lat", "map_lng"
    )
    for pk, lat, lng in rows:
        if lat is not None and lng is not None:
            points.setdefault(pk, []).append((lat, lng))
    return points


def commune_point(commune):
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return (commune.latitude, commune.longitude)


# --- Reasons ------------------------------------------------------------------------------------

def distance_text(km):
    if km < 1:
        return _("à moins d'un kilomètre")
    return _("à %(km)s km") % {"km": round(km)}


def common_reasons(themes=(), words=(), distance_km=None):
    reasons = []
    if themes:
        reasons.append(_("Thèmes en commun : %(themes)s") % {"themes": ", ".join(themes)})
    if words:
        reasons.append(_("Mots en commun : %(words)s") % {"words": ", ".join(words)})
    if distance_km is not None:
        reasons.append(distance_text(distance_km))
    return reasons


@dataclass
class FicheMatch:
    """A suggested fiche, why, and (once hydrated) the fiche itself."""

    pk: int
    score: float
    themes: list = field(default_factory=list)  # names of the themes in common
    words: list = field(default_factory=list)  # the words in common, as the query wrote them
    distance_km: float | None = None
    innovation: object = None

    @property
    def reasons(self):
        return common_reasons(self.themes, self.words, self.distance_km)


@dataclass
class HelperMatch:
    """An ambassador who can help, through one of the suggested fiches."""

    pk: int  # the Ambassador
    user_id: int
    fiche_pk: int
    fiche_title: str
    travel_km: int
    distance_km: float | None = None
    relevance: float = 0.0
    themes: list = field(default_factory=list)
    words: list = field(default_factory=list)
    ambassador: object = None
    profile_url: str | None = None

    @property
    def within_reach(self):
        """Whether the person asking is inside the distance the ambassador travels (None: unknown)."""
        if self.distance_km is None or not self.travel_km:
            return None
        return self.distance_km <= self.travel_km

    @property
    def reasons(self):
        reasons = [_("Partage son expérience de « %(title)s »") % {"title": self.fiche_title}]
        reasons += common_reasons(self.themes, self.words)
        if self.distance_km is not None:
            reasons.append(distance_text(self.distance_km))
        if self.travel_km:
            text = _("se déplace jusqu'à %(km)s km") % {"km": self.travel_km}
            if self.within_reach is True:
                text = _("%(travel)s : vous êtes dans son rayon") % {"travel": text}
            elif self.within_reach is False:
                text = _("%(travel)s : vous êtes au-delà de son rayon") % {"travel": text}
            reasons.append(text)
        else:
            reasons.append(_("ne se déplace pas"))
        return reasons

    @property
    def extra_reasons(self):
        """The reasons after the first (the fiche, which templates show as a link)."""
        return self.reasons[1:]


@dataclass
class CallMatch:
    pk: int
    score: float
    on_matching_fiche: bool = False
    themes: list = field(default_factory=list)
    words: list = field(default_factory=list)
    distance_km: float | None = None
    call: object = None

    @property
    def reasons(self):
        reasons = [_("Sur une innovation proche de votre idée")] if self.on_matching_fiche else []
        return reasons + common_reasons(self.themes, self.words, self.distance_km)


@dataclass
class ProjectMatches:
    """What the "J'ai un projet" page shows."""

    fiches: list
    helpers: list
    calls: list
    extras: list  # [ExtraSection] from the registered providers that had something
    themes: list  # names of the themes read in the idea
    words: list  # the words of the idea that were searched

    @property
    def is_empty(self):
        return not (self.fiches or self.helpers or self.calls or self.extras)


# --- Scoring fiches -----------------------------------------------------------------------------

def _field_terms(doc):
    return {name: set(terms(doc[name][:BODY_CHARS] if name == "body" else doc[name])) for name, _f in FIELD_FACTORS}


def score_candidates(ids, query, wanted_themes, origins, *, limit, confidence=None):
    """Score the candidate fiches `ids` against a query, themes ({id: name}) and origin points.

    Text similarity is the share of the query's weight (inverse document frequency) found in
    the candidate, each word counted by the best field it appears in; it is computed here, the
    same on every database. The themes' share is that of their confidence ({id: 0–1}, 1 for
    all by default) found in the candidate. Returns the `limit` best FicheMatch, best first;
    nearer first at equal score.
    """
    confidence = confidence or {}
    theme_total = max(1.0, sum(confidence.get(pk, 1.0) for pk in wanted_themes))
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    weights = query.weights if query else {}
    total_weight = sum(weights.values()) or 1.0
    docs = SearchDocument.objects.filter(innovation_id__in=ids).values(
        "innovation_id", "title", "pitch", "keywords", "body"
    )
    found = {}
    for doc in docs:
        fields = _field_terms(doc)
        contributions = {}
        for term, weight in weights.items():
            factor = max((f for name, f in FIELD_FACTORS if term in fields[name]), default=0.0)
            if factor:
                contributions[term] = weight * factor
        found[doc["innovation_id"]] = contributions
    shared = {}
    if wanted_themes:
        through = Innovation.themes.through.objects.filter(innovation_id__in=ids, theme_id__in=list(wanted_themes))
        for pk, theme_id in through.values_list("innovation_id", "theme_id"):
            shared.setdefault(pk, set()).add(theme_id)
    points = points_of(ids) if origins else {}
    matches = []
    for pk in ids:
        contributions = found.get(pk, {})
        text = sum(contributions.values()) / total_weight
        themes = shared.get(pk, set())
        if not themes and text < MIN_TEXT:
            continue
        distance = nearest_km(origins, points.get(pk, [])) if origins else None
        theme_share = sum(confidence.get(theme_id, 1.0) for theme_id in themes) / theme_total
        score = WEIGHT_TEXT * text + WEIGHT_THEMES * theme_share + WEIGHT_NEAR * proximity(distance)
        words = sorted(contributions, key=lambda t: (-contributions[t], t))[:MAX_REASON_WORDS]
        matches.append(
            FicheMatch(
                pk=pk,
                score=round(score, 6),
                themes=[name for theme_id, name in wanted_themes.items() if theme_id in themes],
                words=[query.display[t] for t in words],
                distance_km=distance,
            )
        )
    matches.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else math.inf, m.pk))
    return matches[:limit]


def hydrate_fiches(matches):
    """Attach the published fiches (with what a card shows) to the matches; drop vanished ones."""
    innovations = Innovation.objects.published().filter(pk__in=[m.pk for m in matches])
    by_pk = {i.pk: i for i in innovations.select_related("carrier_kind").prefetch_related("themes", "places__commune")}
    kept = []
    for match in matches:
        match.innovation = by_pk.get(match.pk)
        if match.innovation is not None:
            kept.append(match)
    return kept


def fiche_query(fiche):
    """The any-word query describing a fiche: its title, its pitch, the main words of its description."""
    counts, first = {}, {}
    for word in WORD_RE.findall(fiche.description or ""):
        if fold(word) in IDEA_STOP_WORDS:
            continue
        for term in terms(word):
            counts[term] = counts.get(term, 0) + 1
            first.setdefault(term, word)
    top = sorted(counts, key=lambda t: (-counts[t], -len(t), t))[:DESCRIPTION_TERMS]
    return AnyWordQuery((fiche.title, 3), (fiche.pitch, 2), " ".join(first[t] for t in top))


def recent_published(window):
    """A subquery: the ids of the `window` most recently published fiches (read in index order)."""
    return Innovation.objects.published().order_by("-published_at", "-pk").values("pk")[:window]


def theme_neighbours(theme_ids, *, exclude=None, limit=CANDIDATES):
    """The most recent published fiches sharing at least two of `theme_ids` (one if there is one).

    Looked for among the THEME_WINDOW most recently published fiches: the cost does not grow with
    the corpus.
    """
    need = min(2, len(theme_ids))
    if not need:
        return []
    links = Innovation.themes.through.objects.filter(
        innovation_id__in=recent_published(THEME_WINDOW), theme_id__in=list(theme_ids)
    )
    if exclude is not None:
        links = links.exclude(innovation_id=exclude)
    rows = (
        links.values("innovation_id", "innovation__published_at")
        .annotate(shared=Count("theme_id"))
        .filter(shared__gte=need)
        .order_by("-innovation__published_at", "-innovation_id")[:limit]
    )
    return [row["innovation_id"] for row in rows]


def similar_innovations(fiche, limit=6):
    """Published fiches close to `fiche` (never itself), best first, each with its reasons.

    Close means: shared themes, shared words (an any-word query of the fiche's title, pitch and
    main description words) and nearness of their places. Cached until any fiche changes.
    """
    if fiche.pk is None:
        return []
    matches = cached_per_version(
        "matchmaking-similar", fiche.pk, limit, compute=lambda: _similar(fiche, limit), timeout=CACHE_SECONDS
    )
    return hydrate_fiches(matches)


def _similar(fiche, limit):
    themes = {t.pk: t.name for t in fiche.themes.all()}
    origins = points_of([fiche.pk]).get(fiche.pk, [])
    query = fiche_query(fiche)
    published = Innovation.objects.published().exclude(pk=fiche.pk)
    ids = query.ranked_ids(published, 0, CANDIDATES) if query else []
    ids += theme_neighbours(themes, exclude=fiche.pk)
    return score_candidates(ids, query, themes, origins, limit=limit)


# --- Ambassadors ----------------------------------------------------------------------------------

def public_ambassadors():
    """Active ambassadors of published fiches whose profile anybody may see."""
    return Ambassador.objects.filter(
        is_active=True,
        innovation__state=Innovation.State.PUBLISHED,
        user_id__in=Profile.objects.public().values("user_id"),
    )


def _ambassador_distance(ambassador, origins, fiche_points):
    """From the origin to the ambassador's commune if their profile has one, else to their fiche."""
    if not origins:
        return None
    home = commune_point(getattr(getattr(ambassador.user, "profile", None), "commune", None))
    if home is not None:
        return nearest_km(origins, [home])
    return nearest_km(origins, fiche_points.get(ambassador.innovation_id, []))


def _helper(ambassador, origins, fiche_points, *, relevance=0.0, themes=(), words=()):
    return HelperMatch(
        pk=ambassador.pk,
        user_id=ambassador.user_id,
        fiche_pk=ambassador.innovation_id,
        fiche_title=ambassador.innovation.title,
        travel_km=ambassador.travel_km,
        distance_km=_ambassador_distance(ambassador, origins, fiche_points),
        relevance=relevance,
        themes=list(themes),
        words=list(words),
    )


def _nearest_first(helpers, exclude_users=(), limit=None):
    """One entry per person (the first, i.e. nearest or most relevant), nearest first."""
    helpers = sorted(
        helpers,
        key=lambda h: (h.distance_km is None, h.distance_km or 0.0, -h.relevance, h.pk),
    )
    seen, kept = set(exclude_users), []
    for helper in helpers:
        if helper.user_id not in seen:
            seen.add(helper.user_id)
            kept.append(helper)
    return kept if limit is None else kept[:limit]


def _origins(origin):
    if origin is None:
        return []
    if isinstance(origin, tuple) and len(origin) == 2 and not isinstance(origin[0], tuple | list):
        return [origin]
    return [tuple(p) for p in origin]


def helpers_for(subject, origin=None, limit=6):
    """ "Qui peut vous aider": active, public ambassadors of the fiches close to `subject`, nearest first.

    `subject` is a fiche (its similar fiches are used, its own ambassadors left out: the fiche
    shows them already; the origin defaults to its places) or a list of FicheMatch (an idea).
    `origin` is a (lat, lng) point or a list of them.
    """
    if isinstance(subject, Innovation):
        if subject.pk is None:
            return []
        helpers = cached_per_version(
            "matchmaking-helpers", subject.pk, limit, origin,
            compute=lambda: _fiche_helpers(subject, origin, limit), timeout=CACHE_SECONDS,
        )
    else:
        helpers = _helpers_of_matches(list(subject), _origins(origin), limit=limit)
    return hydrate_helpers(helpers)


def _fiche_helpers(fiche, origin, limit):
    origins = _origins(origin) if origin is not None else points_of([fiche.pk]).get(fiche.pk, [])
    own = set(Ambassador.objects.filter(innovation=fiche).values_list("user_id", flat=True))
    own |= set(fiche.authors.values_list("pk", flat=True))
    return _helpers_of_matches(similar_innovations(fiche), origins, exclude_users=own, limit=limit)


def _helpers_of_matches(matches, origins, *, exclude_users=(), limit=6):
    # Only fiches close enough to be worth a contact: a fiche sharing one common word with an
    # idea does not make its ambassador someone who can help.
    best = max((m.score for m in matches), default=0.0)
    floor = max(HELPER_MIN_SCORE, HELPER_SHARE_OF_BEST * best)
    by_fiche = {m.pk: m for m in matches if m.score >= floor}
    if not by_fiche:
        return []
    ambassadors = public_ambassadors().filter(innovation_id__in=list(by_fiche)).select_related(
        "user__profile__commune", "innovation"
    )[:AMBASSADOR_POOL]
    fiche_points = points_of(by_fiche) if origins else {}
    helpers = [
        _helper(
            a, origins, fiche_points, relevance=by_fiche[a.innovation_id].score,
            themes=by_fiche[a.innovation_id].themes, words=by_fiche[a.innovation_id].words,
        )
        for a in ambassadors
    ]
    return _nearest_first(helpers, exclude_users, limit)


def hydrate_helpers(helpers):
    ambassadors = public_ambassadors().filter(pk__in=[h.pk for h in helpers]).select_related(
        "user__profile__commune", "innovation"
    )
    by_pk = {a.pk: a for a in ambassadors}
    kept = []
    for helper in helpers:
        helper.ambassador = by_pk.get(helper.pk)
        if helper.ambassador is None:
            continue
        helper.profile_url = profile_url(helper.ambassador.user.profile)
        kept.append(helper)
    return kept


def profile_url(profile):
    """The public page of a profile, or None (no page address yet)."""
    try:
        return profile.get_absolute_url()
    except NoReverseMatch:
        return None


# --- "J'ai un projet" -----------------------------------------------------------------------------

@dataclass
class ProjectRequest:
    """What a provider receives: the idea, where, and what was read in it."""

    text: str
    commune: object  # a commune Territory, or None
    origin: tuple | None  # its (lat, lng)
    stems: list  # the searched stems, most informative first
    words: list  # the same, as written
    themes: list  # [(theme id, name)] read in the idea
    limit: int


@dataclass
class ExtraItem:
    """One suggestion of a provider: a title, an address, why, and optionally a distance and a date."""

    title: str
    url: str
    reasons: list = field(default_factory=list)
    distance_km: float | None = None
    when: str = ""


@dataclass
class ExtraSection:
    name: str
    title: str
    items: list


_providers = {}


def register_provider(name, provider, *, title=None):
    """Plug a source of suggestions into the "J'ai un projet" page (open workshops, events…).

    `provider(request: ProjectRequest)` returns ExtraItem objects (or dicts with their fields),
    best first; the page shows them in a section headed `title`, only when there are some. A
    provider that fails is logged and skipped: the page still answers.
    """
    _providers[name] = (title or name, provider)


def unregister_provider(name):
    _providers.pop(name, None)


def registered_providers():
    return dict(_providers)


def _run_providers(request):
    sections = []
    for name, (title, provider) in list(_providers.items()):
        try:
            items = [item if isinstance(item, ExtraItem) else ExtraItem(**item) for item in provider(request) or ()]
        except Exception:
            logger.exception("matchmaking provider %r failed", name)
            continue
        if items:
            sections.append(ExtraSection(name=name, title=str(title), items=items[: request.limit]))
    return sections


def _theme_index():
    """[(id, name, name stems, description stems)] of every theme (cached until a fiche changes)."""

    def compute():
        return [
            (t.pk, t.name, sorted(set(terms(t.name))), sorted(set(terms(t.description))))
            for t in Theme.objects.order_by("position", "name")
        ]

    return cached_per_version("matchmaking-theme-stems", compute=compute, timeout=CACHE_SECONDS)


def _close(a, b):
    """Same stem, or two long stems differing only by their ending ("solidarit"/"solidair")."""
    if a == b:
        return True
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= 6 and prefix >= min(len(a), len(b)) - 2


def read_themes(stems):
    """[(theme id, name, confidence)] of the themes an idea speaks of, most evident first.

    A word of the idea speaks of a theme when it is a word of its name (same stem, or nearly:
    "solidaire" for "Solidarités") or of its description. The confidence (0–1) is the share of
    the name's words found, plus a quarter per description word; a theme is read from half a
    name, or two description words: "habitants" alone says too little of "Citoyenneté et
    participation des habitants". A theme whose words are all explained by a more evident one
    is left out: "solidaire" means "Solidarités" rather than "Solidarité internationale".
    """
    stems = set(stems)
    found = []
    for position, (pk, name, name_stems, description_stems) in enumerate(_theme_index()):
        evidence = set()
        by_name = 0
        for theme_stem in name_stems:
            hits = {q for q in stems if _close(theme_stem, q)}
            by_name += bool(hits)
            evidence |= hits
        by_description = 0
        for theme_stem in description_stems:
            hits = {q for q in stems if _close(theme_stem, q)}
            by_description += bool(hits)
            evidence |= hits
        confidence = min(1.0, by_name / max(len(name_stems), 1) + 0.25 * by_description)
        if confidence >= MIN_THEME_CONFIDENCE:
            found.append((-confidence, position, pk, name, frozenset(evidence)))
    found.sort(key=lambda row: row[:2])
    kept = [
        row for row in found
        if not any(other[0] < row[0] and row[4] <= other[4] for other in found)
    ]
    return [(pk, name, -minus) for minus, _position, pk, name, _evidence in kept[:MAX_INFERRED_THEMES]]


def infer_themes(stems):
    """{theme id: name} of the themes read in an idea (see read_themes), most evident first."""
    return {pk: name for pk, name, _confidence in read_themes(stems)}


def nearby_on_themes(theme_ids, origins, *, limit=CANDIDATES):
    """Published fiches on `theme_ids` among the THEME_WINDOW most recently published: the nearest
    to `origins` (within NEAR_KM), or the most recent without an origin."""
    if not theme_ids:
        return []
    links = (
        Innovation.themes.through.objects.filter(
            innovation_id__in=recent_published(THEME_WINDOW), theme_id__in=list(theme_ids)
        )
        .order_by("-innovation__published_at", "-innovation_id")
        .values_list("innovation_id", flat=True)
    )
    if not origins:
        return list(dict.fromkeys(links[: limit * 3]))[:limit]
    ids = list(dict.fromkeys(links[:THEME_POOL]))
    points = points_of(ids)
    near = []
    for pk in ids:
        distance = nearest_km(origins, points.get(pk, []))
        if distance is not None and distance <= NEAR_KM:
            near.append((distance, pk))
    near.sort()
    return [pk for _d, pk in near[:limit]]


def match_project(text, commune=None, limit=6):
    """Fiches, ambassadors and open calls for help for an idea described in `text`, near `commune`.

    Fiches: an any-word search of the idea, the themes read in it, and nearness to the commune.
    Ambassadors: those of the suggested fiches, and those near the commune on the idea's themes.
    Calls for help: open ones of the suggested fiches, or nearby on the idea's themes. Plus what
    the registered providers return. Reads only: nothing is written.
    """
    point = commune_point(commune)
    origins = [point] if point else []
    ignore = {stem(w) for w in WORD_RE.findall(commune.name)} if commune is not None else set()
    query = AnyWordQuery(text, ignore=ignore)
    read = read_themes(query.counts)
    themes = {pk: name for pk, name, _confidence in read}
    confidence = {pk: value for pk, _name, value in read}
    published = Innovation.objects.published()
    ids = query.ranked_ids(published, 0, CANDIDATES) if query else []
    ids += nearby_on_themes(themes, origins)
    fiches = hydrate_fiches(score_candidates(ids, query, themes, origins, limit=limit, confidence=confidence))

    helpers = _helpers_of_matches(fiches, origins, limit=None) + _nearby_theme_helpers(themes, origins)
    helpers = hydrate_helpers(_nearest_first(helpers, limit=limit))

    calls = _project_calls(query, themes, origins, fiches, limit)
    request = ProjectRequest(
        text=text, commune=commune, origin=point, stems=list(query.stems), words=list(query.words),
        themes=list(themes.items()), limit=limit,
    )
    return ProjectMatches(
        fiches=fiches, helpers=helpers, calls=calls, extras=_run_providers(request),
        themes=list(themes.values()), words=list(query.words),
    )


def _nearby_theme_helpers(themes, origins):
    """Ambassadors of fiches on the idea's themes, near the commune (or travelling that far)."""
    if not themes or not origins:
        return []
    ambassadors = (
        public_ambassadors()
        .filter(innovation__themes__in=list(themes))
        .distinct()
        .select_related("user__profile__commune", "innovation")
        .prefetch_related("innovation__themes")
        .order_by("-updated_at", "-pk")[:AMBASSADOR_POOL]
    )
    ambassadors = list(ambassadors)
    fiche_points = points_of({a.innovation_id for a in ambassadors})
    helpers = []
    for ambassador in ambassadors:
        shared = [t.name for t in ambassador.innovation.themes.all() if t.pk in themes]
        helper = _helper(ambassador, origins, fiche_points, themes=shared)
        if helper.distance_km is not None and helper.distance_km <= max(NEAR_KM, helper.travel_km):
            helpers.append(helper)
    return helpers


def _project_calls(query, themes, origins, fiches, limit):
    """Open calls for help of the suggested fiches, or on the idea's themes; nearby when a commune is known."""
    fiche_scores = {m.pk: m.score for m in fiches}
    condition = Q(innovation_id__in=list(fiche_scores))
    if themes:
        condition |= Q(innovation__themes__in=list(themes))
    calls = list(
        CallForHelp.objects.open().filter(condition).distinct()
        .select_related("innovation").prefetch_related("innovation__themes")
        .order_by("-created_at", "-pk")[:CALL_POOL]
    )
    if not calls:
        return []
    points = points_of({c.innovation_id for c in calls}) if origins else {}
    weights = query.weights if query else {}
    total_weight = sum(weights.values()) or 1.0
    matches = []
    for call in calls:
        distance = nearest_km(origins, points.get(call.innovation_id, [])) if origins else None
        if origins and (distance is None or distance > NEAR_KM):
            continue
        call_terms = set(call.search_text.split())
        shared_words = sorted((t for t in weights if t in call_terms), key=lambda t: (-weights[t], t))
        shared_themes = [t.name for t in call.innovation.themes.all() if t.pk in themes]
        text = sum(weights[t] for t in shared_words) / total_weight
        score = (
            fiche_scores.get(call.innovation_id, 0.0)
            + WEIGHT_TEXT * text
            + WEIGHT_THEMES * (len(shared_themes) / len(themes) if themes else 0.0)
            + WEIGHT_NEAR * proximity(distance)
        )
        matches.append(
            CallMatch(
                pk=call.pk, score=score, on_matching_fiche=call.innovation_id in fiche_scores,
                themes=shared_themes, words=[query.display[t] for t in shared_words[:MAX_REASON_WORDS]],
                distance_km=distance, call=call,
            )
        )
    matches.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else math.inf, m.pk))
    return matches[:limit]

