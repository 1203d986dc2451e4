"""Who wrote a fiche: its authors (who sign it) and its contributors (who edited it).

Authors are the fiche's `Authorship` rows, the creator first. Contributors are the other
people whose edits went online (authors of applied revisions: their own edits, accepted
proposals, reverts). Only public names are handed out: the email address never leaves here.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Revision


@dataclass(frozen=True)
class Person:
    """A person as shown publicly: an id, a display name, and their public page if they chose one."""

    id: int
    name: str
    url: str = ""

    def __str__(self):
        return self.name


def person(user, public_ids=frozenset()):
    url = ""
    if user.pk in public_ids:
        url = user.profile.get_absolute_url()
    return Person(id=user.pk, name=str(user.display_name), url=url)


def with_public_pages(users):
    """`users` as Person, linked to the public profile pages of those who have one (one query)."""
    from creative.accounts.models import Profile

    users = list(users)
    public_ids = set(Profile.objects.public().filter(user__in=users).values_list("user_id", flat=True))
    return [person(user, public_ids) for user in users]


def authors_and_contributors(fiche):
    """(authors, contributors) of `fiche` as lists of Person, in three queries.

    Authors: creator first, then co-authors in the order they joined. Contributors: in the
    order of their first edit online.
    """
    authorships = fiche.authorships.select_related("user__profile").order_by("-is_creator", "added_at", "pk")
    authors = [a.user for a in authorships]
    author_ids = {user.pk for user in authors}
    contributors = (
        get_user_model().objects
        .filter(revisions__innovation=fiche, revisions__state=Revision.State.APPLIED)
        .exclude(pk__in=author_ids)
        .annotate(first_edit=Min("revisions__number"))
        .select_related("profile")
        .order_by("first_edit", "pk")
    )
    people = with_public_pages([*authors, *contributors])
    return people[: len(authors)], people[len(authors):]


def join_names(names):
    """ "Anne", "Anne et Bruno", "Anne, Bruno et Chloé"."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s et %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def credit_line(authors, contributors, *, fallback="", limit=10):
    """The "by" part of an attribution: « Anne et Bruno », « Anne, Bruno et contributeurs (Chloé, David) ».

    `fallback` (the carrier, say) stands for the authors of a fiche nobody signs. Past `limit`
    contributors, the others are counted rather than named.
    """
    if not contributors:
        return join_names(authors) or fallback
    by = ", ".join(str(p) for p in authors) or fallback
    named = [str(p) for p in contributors[:limit]]
    others = len(contributors) - len(named)
    if others:
        named.append(ngettext("%(count)s autre", "%(count)s autres", others) % {"count": others})
    return _("%(authors)s et contributeurs (%(contributors)s)") % {"authors": by, "contributors": ", ".join(named)}
