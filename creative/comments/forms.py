"""The comment form: the text (small Markdown), the comment it answers, and the anti-spam traps.

Three of the anti-spam layers live here: the honeypot and opening time (SpamTrapFormMixin),
and the link limit of new accounts (LinkLimitMixin, once the view has bound the author).
The content score is the service's (services.post_comment), after the form is valid.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin
from creative.antispam.links import LinkLimitMixin
from creative.moderation.models import Visibility

from .models import COMMENT_MAX_LENGTH, Comment

BODY_HELP = _("Markdown simple : *italique*, **gras**, listes avec « - », liens [texte](https://…), `code`. "
              "Pas d'images ni de HTML.")


class CommentForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    """A new comment on `target`, or a reply when `parent` is given (a top-level visible comment of `target`)."""

    spam_trap_name = "comments.post"
    link_limited_fields = ("body",)

    body = forms.CharField(
        label=_("Votre commentaire"), help_text=BODY_HELP, max_length=COMMENT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Le commentaire est vide : écrivez quelques mots avant de l'envoyer."),
            "max_length": _("Un commentaire fait au plus %(limit_value)d caractères ; le vôtre en fait "
                            "%(show_value)d. Raccourcissez-le, ou coupez-le en deux messages."),
        },
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.parent_comment = None

    def clean_parent(self):
        value = (self.cleaned_data.get("parent") or "").strip()
        if not value:
            return None
        problem, parent = reply_problem(self.target, value)
        if problem:
            # On the hidden field, a non-field error is the one people see; the form shown again
            # sends a new comment, so that the text can still go out.
            self.add_error(None, problem)
            self.data = self.data.copy()
            self.data[self.add_prefix("parent")] = ""
            return None
        self.parent_comment = parent
        return parent.pk


class CommentEditForm(SpamTrapFormMixin, LinkLimitMixin, forms.Form):
    """The new text of an existing comment."""

    spam_trap_name = "comments.edit"
    link_limited_fields = ("body",)

    body = CommentForm.base_fields["body"]


def reply_problem(target, parent_pk):
    """(None, parent) when `parent_pk` names a comment of `target` one may answer, else (French message, None)."""
    try:
        pk = int(parent_pk)
    except (TypeError, ValueError):
        pk = None
    parent = Comment.objects.on(target).filter(pk=pk).first() if pk is not None and target is not None else None
    if parent is None:
        return _("Le commentaire auquel vous répondez n'existe pas sur cette page. Votre texte est conservé : "
                 "envoyez-le comme un nouveau commentaire."), None
    if parent.parent_id is not None:
        return _("On ne répond qu'aux commentaires principaux d'une discussion. Votre texte est conservé : "
                 "envoyez-le comme un nouveau commentaire, ou répondez au premier message du fil."), None
    if parent.visibility != Visibility.VISIBLE or parent.is_deleted:
        return _("Ce commentaire n'est plus visible : vous ne pouvez plus y répondre. Votre texte est conservé : "
                 "envoyez-le comme un nouveau commentaire."), None
    return None, parent
