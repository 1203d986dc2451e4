"""Demo content for the carriers' network: people, organisations, teams, ambassadors,
calls for help and reproduction links between the demo fiches.

Loaded by `manage.py load_demo` after the demo fiches, removed by `manage.py remove_demo`.
Everything is described in demo_data.json and matched on stable keys, so loading twice
creates and changes nothing:

- demo people are accounts `demo-<key>@example.org` with an unusable password (they never
  sign in) and a public profile whose name ends in "(démo)";
- organisations have `is_demo=True` and a slug starting with "demo-";
- team members, ambassadors and calls hang on demo fiches (they go with them);
- reproductions have `is_demo=True`.

The existing demo contributor account (contribution@example.org) is made a carrier and an
ambassador of one fiche when the demo accounts are loaded, so whoever signs in with it sees
the team and ambassador features; it is never deleted here.
"""

import datetime
import json
import re
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone

from creative.accounts.models import Profile
from creative.calls.models import CallForHelp
from creative.innovations import services
from creative.innovations.demo import DemoDataError
from creative.innovations.models import CarrierKind, Innovation, Theme
from creative.reuse.models import Reproduction
from creative.territories.models import Territory

from .models import Ambassador, Membership, Organisation, TeamMember

DATA_PATH = Path(__file__).resolve().parent / "demo_data.json"
DEMO_EMAIL_DOMAIN = "example.org"
# Demo people's addresses: reserved for this loader (the three demo accounts do not match).
DEMO_EMAIL_RE = re.compile(r"^demo-[a-z0-9-]+@example\.org$")


def demo_email(key):
    return f"demo-{key}@{DEMO_EMAIL_DOMAIN}"


def demo_data():
    with DATA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def demo_people():
    """Accounts created by this loader: reserved address and no usable password."""
    User = get_user_model()
    candidates = User.objects.filter(email__startswith="demo-", email__endswith=f"@{DEMO_EMAIL_DOMAIN}").filter(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    return User.objects.filter(pk__in=[u.pk for u in candidates if DEMO_EMAIL_RE.match(u.email)])


def _differs(obj, values):
    """Names of the fields of `obj` whose value differs from `values` (FKs compared by id)."""
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(obj, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            changed.append(name)
    return changed


class _Loader:
    def __init__(self, data, with_accounts):
        self.data = data
        self.with_accounts = with_accounts
        self.created = self.updated = 0
        self.counts = Counter()
        self.touched = set()  # fiches whose team, ambassadors, calls or links changed
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.kinds = {k.slug: k for k in CarrierKind.objects.all()}
        self.people = {}  # key -> user
        self.organisations = {}  # slug -> organisation
        self.fiches = {}  # slug -> demo fiche

    # --- helpers ---------------------------------------------------------------------

    def sync(self, model, lookup, values):
        """Create or update one row; only writes what differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.created += 1
            return obj, True
        changed = _differs(obj, values)
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.updated += 1
        return obj, bool(changed)

    def set_themes(self, obj, slugs):
        wanted = {self.themes[s].pk for s in slugs if s in self.themes}
        if set(obj.themes.values_list("pk", flat=True)) != wanted:
            obj.themes.set(wanted)
            return True
        return False

    def commune(self, code):
        commune = Territory.objects.communes().filter(code=code).first()
        if commune is None:
            raise DemoDataError(f"Unknown commune {code!r}: run `manage.py load_territories` first.")
        return commune

    def fiche(self, slug):
        if slug not in self.fiches:
            fiche = Innovation.objects.filter(slug=slug, is_demo=True).first()
            if fiche is None:
                raise DemoDataError(f"Demo fiche {slug!r} is missing: load the demo fiches first.")
            self.fiches[slug] = fiche
        return self.fiches[slug]

    def person(self, key):
        """The user for a person key; None for the demo contributor when accounts are skipped."""
        if key is None:
            return None
        if key not in self.people:
            raise DemoDataError(f"Unknown demo person {key!r}.")
        return self.people[key]

    def skipped(self, key):
        """Entries about the demo contributor account are left out when it is not loaded."""
        return key == self.data["account"]["key"] and self.people.get(key) is None

    # --- steps -----------------------------------------------------------------------

    def load_people(self):
        User = get_user_model()
        for entry in self.data["people"]:
            email = demo_email(entry["key"])
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email)
                user.set_unusable_password()
                user.save()
                self.created += 1
            elif user.has_usable_password():
                raise DemoDataError(f"A real account already uses the demo address {email!r}; nothing was changed.")
            self.save_profile(user, entry, display_name=entry["display_name"])
            self.people[entry["key"]] = user
            self.counts["people"] += 1
        account = self.data["account"]
        self.people[account["key"]] = None
        if self.with_accounts:
            user = User.objects.filter(email=account["email"]).first()
            if user is not None and Profile.objects.filter(user=user).exists():
                self.save_profile(user, account)
                self.people[account["key"]] = user

    def save_profile(self, user, entry, display_name=None):
        values = {
            "commune": self.commune(entry["commune"]),
            "bio": entry["bio"],
            "links": "\n".join(entry["links"]),
            "is_public": True,
            "accepts_contact": entry.get("accepts_contact", True),
        }
        if display_name is not None:
            values["display_name"] = display_name
        profile, changed = self.sync(Profile, {"user": user}, values)
        if self.set_themes(profile, entry["themes"]) and not changed:
            self.updated += 1

    def load_organisations(self):
        for entry in self.data["organisations"]:
            slug = entry["slug"]
            existing = Organisation.objects.filter(slug=slug).first()
            if existing is not None and not existing.is_demo:
                raise DemoDataError(f"A real organisation already uses the demo slug {slug!r}; nothing was changed.")
            values = {
                "name": entry["name"],
                "kind": self.kinds.get(entry["kind"]),
                "description": entry["description"],
                "commune": self.commune(entry["commune"]),
                "address": entry["address"],
                "latitude": entry.get("lat"),
                "longitude": entry.get("lng"),
                "website": entry["website"],
                "accepts_contact": True,
                "is_demo": True,
            }
            organisation, changed = self.sync(Organisation, {"slug": slug}, values)
            if self.set_themes(organisation, entry["themes"]) and not changed:
                self.updated += 1
            self.organisations[slug] = organisation
            self.counts["organisations"] += 1
            for member in entry["members"]:
                self.sync(
                    Membership,
                    {"organisation": organisation, "user": self.person(member["person"])},
                    {"role": member["role"], "title": member.get("title", "")},
                )
                self.counts["memberships"] += 1

    def load_teams(self):
        for slug, members in self.data["teams"].items():
            fiche = self.fiche(slug)
            for position, member in enumerate(members):
                if "person" in member:
                    if self.skipped(member["person"]):
                        continue
                    lookup = {"innovation": fiche, "user": self.person(member["person"])}
                else:
                    organisation = self.organisations.get(member["organisation"])
                    if organisation is None:
                        raise DemoDataError(f"Unknown demo organisation {member['organisation']!r}.")
                    lookup = {"innovation": fiche, "organisation": organisation}
                values = {"kind": member["kind"], "role": member.get("role", ""), "position": position}
                _obj, changed = self.sync(TeamMember, lookup, values)
                self.count("team members", fiche, changed)

    def load_ambassadors(self):
        for entry in self.data["ambassadors"]:
            if self.skipped(entry["person"]):
                continue
            fiche, user = self.fiche(entry["fiche"]), self.person(entry["person"])
            if not TeamMember.objects.filter(innovation=fiche, user=user, kind=TeamMember.Kind.CARRIER).exists():
                raise DemoDataError(f"Demo ambassador {entry['person']!r} must carry {entry['fiche']!r}.")
            unknown = set(entry["means"]) - set(Ambassador.Means.values)
            if unknown:
                raise DemoDataError(f"Unknown ambassador means {sorted(unknown)}.")
            values = {
                "topics": entry["topics"],
                "means": entry["means"],
                "availability": entry["availability"],
                "travel_km": entry["travel_km"],
                "is_active": True,
            }
            _obj, changed = self.sync(Ambassador, {"innovation": fiche, "user": user}, values)
            self.count("ambassadors", fiche, changed)

    def load_calls(self):
        today = timezone.localdate()
        for entry in self.data["calls"]:
            fiche = self.fiche(entry["fiche"])
            lookup = {"innovation": fiche, "title": entry["title"]}
            values = {
                "kind": entry["kind"],
                "description": entry["description"],
                "status": entry["status"],
                "created_by": self.person(entry.get("by")),
                "ends_on": None,
            }
            if "ends_in_days" in entry:
                # A date in the future: kept from one load to the next, moved on once it has passed.
                current = CallForHelp.objects.filter(**lookup).values_list("ends_on", flat=True).first()
                keep = current is not None and current >= today
                values["ends_on"] = current if keep else today + datetime.timedelta(days=entry["ends_in_days"])
            _obj, changed = self.sync(CallForHelp, lookup, values)
            self.count("calls", fiche, changed)

    def load_reproductions(self):
        for entry in self.data["reproductions"]:
            original, derived = self.fiche(entry["original"]), self.fiche(entry["derived"])
            lookup = {"original": original, "derived": derived}
            existing = Reproduction.objects.filter(**lookup).first()
            if existing is not None and not existing.is_demo:
                continue  # a real declaration between two demo fiches: left as it is
            confirmed = entry["status"] == Reproduction.Status.CONFIRMED
            values = {
                "kind": entry["kind"],
                "status": entry["status"],
                "adapted": entry["adapted"],
                "started_year": entry.get("started_year"),
                "declared_by": self.person(entry.get("declared_by")),
                "decided_by": self.person(entry.get("decided_by")) if confirmed else None,
                "is_demo": True,
            }
            if not confirmed:
                values["decided_at"] = None
            elif existing is None or existing.decided_at is None:
                values["decided_at"] = timezone.now()
            _obj, changed = self.sync(Reproduction, lookup, values)
            self.count("reproductions", original, changed)
            if changed:
                self.touched.add(derived.pk)

    def count(self, name, fiche, changed):
        self.counts[name] += 1
        if changed:
            self.touched.add(fiche.pk)

    def run(self):
        self.load_people()
        self.load_organisations()
        self.load_teams()
        self.load_ambassadors()
        self.load_calls()
        self.load_reproductions()
        # Derived data (territories, search index, cached pages) of the fiches that changed,
        # whatever signals the apps may or may not have.
        for pk in sorted(self.touched):
            services.refresh_innovation(pk)
        names = ("people", "organisations", "memberships", "team members", "ambassadors", "calls", "reproductions")
        return {**{name: self.counts[name] for name in names}, "created": self.created, "updated": self.updated}


@transaction.atomic
def load_network_demo(*, with_accounts=True):
    """Create or update the network demo content; returns counts per kind plus "created"/"updated".

    With `with_accounts`, the existing demo contributor account (if present) gets a public
    profile and carries one fiche as an ambassador.
    """
    return _Loader(demo_data(), with_accounts).run()


@transaction.atomic
def remove_network_demo():
    """Delete the network demo content; returns counts of what was removed.

    Demo people and organisations go (with their memberships, team places and
    ambassadorships), as do demo reproductions and the demo teams, ambassadors and calls of
    the demo fiches, which are otherwise deleted with the fiches. The three demo accounts
    are kept; the contributor's profile is made private again if the demo left it as is.
    """
    data = demo_data()
    User = get_user_model()
    counts = {}
    demo_fiches = Innovation.objects.demo()
    touched = set()

    reproductions = Reproduction.objects.filter(is_demo=True)
    touched.update(reproductions.values_list("original_id", flat=True))
    touched.update(reproductions.values_list("derived_id", flat=True))
    counts["reproductions"] = reproductions.count()
    reproductions.delete()

    calls = CallForHelp.objects.none()
    for entry in data["calls"]:
        calls |= CallForHelp.objects.filter(
            innovation__slug=entry["fiche"], innovation__in=demo_fiches, title=entry["title"]
        )
    touched.update(calls.values_list("innovation_id", flat=True))
    counts["calls"] = calls.count()
    calls.delete()

    account = data["account"]
    contributor = User.objects.filter(email=account["email"]).first()
    if contributor is not None:
        team_slugs = [slug for slug, members in data["teams"].items() if any(
            m.get("person") == account["key"] for m in members
        )]
        amb_slugs = [a["fiche"] for a in data["ambassadors"] if a["person"] == account["key"]]
        for model, slugs in ((Ambassador, amb_slugs), (TeamMember, team_slugs)):
            rows = model.objects.filter(user=contributor, innovation__in=demo_fiches, innovation__slug__in=slugs)
            touched.update(rows.values_list("innovation_id", flat=True))
            rows.delete()
        _reset_contributor_profile(contributor, account)

    organisations = Organisation.objects.filter(is_demo=True)
    touched.update(TeamMember.objects.filter(organisation__in=organisations).values_list("innovation_id", flat=True))
    counts["organisations"] = organisations.count()
    organisations.delete()

    people = demo_people()
    touched.update(TeamMember.objects.filter(user__in=people).values_list("innovation_id", flat=True))
    touched.update(Ambassador.objects.filter(user__in=people).values_list("innovation_id", flat=True))
    counts["people"] = people.count()
    people.delete()

    for pk in sorted(touched):
        services.refresh_innovation(pk)  # does nothing for fiches deleted meanwhile
    return counts


def _reset_contributor_profile(user, account):
    """Undo what the demo set on the contributor's profile, unless someone changed it since."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.bio != account["bio"]:
        return
    profile.is_public = False
    profile.bio = ""
    profile.links = ""
    profile.commune = None
    profile.save()
    profile.themes.clear()
