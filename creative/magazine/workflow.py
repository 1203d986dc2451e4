"""The editorial workflow of an article: who moves it between states, and who is told.

    draft ──submit──▶ submitted ──publish (now or at a date)──▶ published ──archive──▶ archived
      ▲   ◀──withdraw──┘ │                                        │  │                    │
      ├──────changes◀────┘                                        │  └─(publish again)◀───┤
      └────────────────────────────unpublish──────────────────────┘                       │
      └────────────────────────────back to draft──────────────────────────────────────────┘

A scheduled article is PUBLISHED with `published_at` in the future: `Article.objects.published()`
shows it from that moment on, without any job. Each transition checks the permission and the
current state (TransitionError otherwise, with a French message), writes to the review thread and
the audit log ("magazine.article.*"), and mails the people concerned once the transaction commits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from creative.accounts import roles
from creative.accounts.roles import Role
from creative.audit import record
from creative.core.tasks import mail_each

from . import permissions
from .models import Article, ArticleReviewMessage

State = Article.State
Kind = ArticleReviewMessage.Kind


class TransitionError(Exception):
    """A transition that this person cannot make now; str() is a message for them."""


NOT_YOUR_TERRITORY = _lazy("Seuls les accompagnateurs du territoire de cet article le relisent, le publient ou "
                           "l'archivent.")


def _require(condition, message):
    if not condition:
        raise TransitionError(str(message))


def _require_reviewer(user, article):
    _require(permissions.can_review(user, article), NOT_YOUR_TERRITORY)


def _message(article, user, kind, body=""):
    return ArticleReviewMessage.objects.create(
        article=article, author=user if user is not None and user.is_authenticated else None, kind=kind,
        body=(body or "").strip()[:5000],
    )


def _transition(article, actor, *, allowed_from, refused, to, action, kind, body="", audit=None, mail=None,
                prepare=None):
    """Move the (locked) article from one of `allowed_from` to `to`; thread, audit log, mail."""
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        _require(locked.state in allowed_from, refused)
        if prepare is not None:
            prepare(locked)
        locked.state = to
        locked.save()
        _message(locked, actor, kind, body)
        record(actor, action, locked, **(audit or {}))
        if mail is not None:
            recipients, template, extra = mail
            _mail(recipients(locked), template, locked, actor=actor, message=body, exclude=[actor], **extra)
    article.refresh_from_db()
    return article


def submission_blockers(article):
    """What an article must have before it goes to the editors (labels for people); empty when ready."""
    missing = []
    if not article.title.strip():
        missing.append(_("le titre"))
    if not article.lead.strip():
        missing.append(_("le chapeau"))
    if not article.body.strip():
        missing.append(_("le texte"))
    if article.cover and not article.cover_alt.strip():
        missing.append(_("la description de l'image"))
    if article.is_dossier and article.fiche_links.count() < 2:
        missing.append(_("au moins deux fiches pour un dossier"))
    return missing


def _require_complete(template):
    def check(article):
        missing = submission_blockers(article)
        _require(not missing, template % {"missing": ", ".join(str(m) for m in missing)})

    return check


def submit(article, user, message=""):
    _require(permissions.can_write(user) and (permissions.is_article_author(user, article)
                                              or permissions.can_review(user, article)),
             _("Seuls les auteurs d'un brouillon peuvent le soumettre à relecture."))

    def prepare(locked):
        _require_complete(_("Avant de soumettre, complétez : %(missing)s."))(locked)
        locked.submitted_at = timezone.now()

    return _transition(
        article, user, allowed_from=(State.DRAFT,),
        refused=_("Cet article n'est pas un brouillon : il ne peut pas être soumis."),
        to=State.SUBMITTED, action="magazine.article.submitted", kind=Kind.SUBMITTED, body=message,
        mail=(reviewers_of, "magazine_submitted", {}), prepare=prepare,
    )


def withdraw(article, user):
    """An author takes a submitted article back to keep writing."""
    _require(permissions.is_article_author(user, article) and permissions.can_write(user),
             _("Seuls les auteurs peuvent retirer leur soumission."))
    return _transition(
        article, user, allowed_from=(State.SUBMITTED,), refused=_("Cet article n'est pas en attente de relecture."),
        to=State.DRAFT, action="magazine.article.withdrawn", kind=Kind.MESSAGE,
        body=_("Soumission retirée pour continuer l'écriture."),
    )


def request_changes(article, reviewer, message):
    _require_reviewer(reviewer, article)
    _require(message and message.strip(), _("Dites aux auteurs ce qu'il faut changer."))
    return _transition(
        article, reviewer, allowed_from=(State.SUBMITTED,),
        refused=_("Cet article n'est pas en attente de relecture."), to=State.DRAFT,
        action="magazine.article.changes_requested", kind=Kind.CHANGES_REQUESTED, body=message,
        audit={"message": message}, mail=(authors_of, "magazine_changes_requested", {}),
    )


def describe_local(moment):
    """« mardi 4 novembre 2025 à 18:30 », Europe/Paris wall-clock."""
    return date_format(timezone.localtime(moment), r"l j F Y \à H:i")


def publish(article, reviewer, *, at=None, message="", now=None):
    """Publish now (`at` None or past) or at `at` (an aware datetime in the future: scheduled)."""
    _require_reviewer(reviewer, article)
    now = now or timezone.now()
    scheduled = at is not None and at > now
    when = at if scheduled else now

    def prepare(locked):
        _require_complete(_("Avant de publier, il manque : %(missing)s."))(locked)
        if locked.state == State.PUBLISHED:
            _require(locked.published_at is None or locked.published_at > now,
                     _("Cet article est déjà publié."))
        locked.published_at = when

    if scheduled:
        action = "magazine.article.scheduled"
        body = message or _("Publication programmée le %(when)s.") % {"when": describe_local(when)}
    else:
        action = "magazine.article.published"
        body = message
    return _transition(
        article, reviewer, allowed_from=(State.DRAFT, State.SUBMITTED, State.ARCHIVED, State.PUBLISHED),
        refused=_("Cet article ne peut pas être publié dans son état actuel."),
        to=State.PUBLISHED, action=action, kind=Kind.PUBLISHED, body=body,
        audit={"published_at": when.isoformat(), "scheduled": scheduled},
        mail=(authors_of, "magazine_published",
              {"scheduled_for": describe_local(when) if scheduled else ""}),
        prepare=prepare,
    )


def unpublish(article, reviewer, reason=""):
    """Take a published (or scheduled) article offline, back to the drafts."""
    _require_reviewer(reviewer, article)

    def prepare(locked):
        locked.published_at = None

    return _transition(
        article, reviewer, allowed_from=(State.PUBLISHED,), refused=_("Cet article n'est pas publié."),
        to=State.DRAFT, action="magazine.article.unpublished", kind=Kind.MESSAGE,
        body=reason or _("Article dépublié et remis en brouillon."), audit={"reason": reason}, prepare=prepare,
    )


def archive(article, reviewer, reason=""):
    _require_reviewer(reviewer, article)
    return _transition(
        article, reviewer, allowed_from=(State.PUBLISHED,), refused=_("Seul un article publié peut être archivé."),
        to=State.ARCHIVED, action="magazine.article.archived", kind=Kind.MESSAGE,
        body=reason or _("Article archivé."), audit={"reason": reason},
    )


def back_to_draft(article, reviewer):
    """An editor gives an archived article back to its authors as a draft."""
    _require_reviewer(reviewer, article)

    def prepare(locked):
        locked.published_at = None

    return _transition(
        article, reviewer, allowed_from=(State.ARCHIVED,), refused=_("Seul un article archivé peut être remis en "
                                                                     "brouillon."),
        to=State.DRAFT, action="magazine.article.reverted", kind=Kind.MESSAGE,
        body=_("Article remis en brouillon."), prepare=prepare,
    )


def comment(article, user, body):
    """A message in the review thread; the other side is told by email."""
    _require(permissions.can_read_review(user, article),
             _("Cette conversation est réservée aux auteurs et aux accompagnateurs."))
    _require(body and body.strip(), _("Le message est vide."))
    with transaction.atomic():
        message = _message(article, user, Kind.MESSAGE, body)
        record(user, "magazine.article.commented", article)
        if permissions.is_article_author(user, article):
            others = authors_of(article) + reviewers_of(article)
        else:
            others = authors_of(article)
        _mail(others, "magazine_comment", article, actor=user, message=body, exclude=[user])
    return message


# Which actions a person may take now (for the review page) -----------------------------------

def available_actions(user, article):
    """Names of the transitions `user` may make on `article` in its current state."""
    actions = []
    reviewer = permissions.can_review(user, article)
    author = permissions.is_article_author(user, article) and permissions.can_write(user)
    state = article.state
    if state == State.DRAFT and permissions.can_submit(user, article):
        actions.append("submit")
    if state == State.SUBMITTED and author:
        actions.append("withdraw")
    if reviewer:
        if state == State.SUBMITTED:
            actions.append("request_changes")
        if state in (State.DRAFT, State.SUBMITTED, State.ARCHIVED) or article.is_scheduled:
            actions.append("publish")
        if state == State.PUBLISHED:
            actions += ["unpublish", "archive"]
        if state == State.ARCHIVED:
            actions.append("back_to_draft")
    return actions


# People ---------------------------------------------------------------------------------------

def authors_of(article):
    User = get_user_model()
    ids = set(article.signatures.values_list("user_id", flat=True))
    if article.created_by_id:
        ids.add(article.created_by_id)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def reviewers_of(article):
    """Editors of the article's territories (every editor for an article without one); else administrators."""
    User = get_user_model()
    editors = User.objects.filter(is_active=True, groups__name=roles.GROUP_ROLES[Role.EDITOR])
    if article.territories.exists():
        editors = editors.filter(editor_scopes__territory__in=article.covered_territories.all())
    found = list(editors.distinct())
    return found or list(User.objects.filter(is_active=True, is_superuser=True))


def _mail(users, template, article, *, actor=None, message="", exclude=(), **extra):
    context = {
        "title": article.title,
        "url": settings.SITE_URL + reverse("magazine:review", args=[article.pk]),
        "public_url": settings.SITE_URL + article.get_absolute_url(),
        "actor": str(actor.display_name) if actor is not None and actor.is_authenticated else "",
        "message": message or "",
        **extra,
    }
    mail_each(users, template, context, exclude=exclude)
