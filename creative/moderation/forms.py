"""Forms of moderation: a report (anyone), a moderator's decision, a block, the queue's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from creative.antispam.forms import SpamTrapFormMixin

from .models import ModerationItem, ReportReason

TEXT_MAX_LENGTH = 2000


class ReportForm(SpamTrapFormMixin, forms.Form):
    """Why someone reports content. Open to visitors: the traps and the rate limit keep robots out."""

    spam_trap_name = "moderation.report"

    reason = forms.ChoiceField(
        label=_("Pourquoi signalez-vous ce contenu ?"), choices=ReportReason.choices, widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez la raison du signalement."),
            "invalid_choice": _("Choisissez l'une des raisons proposées."),
        },
    )
    text = forms.CharField(
        label=_("Précisions (facultatives)"), required=False, max_length=TEXT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qui pose problème, en quelques mots (2 000 caractères au plus). Seule l'équipe de "
                    "modération le lit."),
        error_messages={"max_length": _("Les précisions font %(show_value)d caractères ; 2 000 au plus.")},
    )


class NoteForm(forms.Form):
    """The optional note that goes with a moderator's decision (kept with the item and in the log)."""

    note = forms.CharField(
        label=_("Note de modération (facultative)"), required=False, max_length=TEXT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Gardée au journal ; l'auteur du contenu ne la voit pas."),
        error_messages={"max_length": _("La note fait %(show_value)d caractères ; 2 000 au plus.")},
    )


class BlockForm(forms.Form):
    """Blocking an account needs a reason: it is kept with the block and in the log."""

    reason = forms.CharField(
        label=_("Motif du blocage"), max_length=TEXT_MAX_LENGTH, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire, gardé au journal. Le compte ne pourra plus publier ; ce qu'il a en attente de "
                    "modération est supprimé."),
        error_messages={
            "required": _("Indiquez le motif du blocage : il est gardé au journal."),
            "max_length": _("Le motif fait %(show_value)d caractères ; 2 000 au plus."),
        },
    )


# The queue's filters, as they read in the URL (?motif=spam&tri=recents).
CAUSES = {
    "signalements": (_("Signalements"), (ModerationItem.Cause.REPORTS,)),
    "pre-moderation": (_("Pré-modération"), (ModerationItem.Cause.PREMODERATION, ModerationItem.Cause.BLOCKED)),
    "spam": (_("Indices de spam"), (ModerationItem.Cause.SPAM,)),
}
ORDERS = {
    "signales": (_("Les plus signalés"), ("-report_count", "-last_activity_at", "-pk")),
    "recents": (_("Les plus récents"), ("-last_activity_at", "-pk")),
}
DEFAULT_ORDER = "signales"


class QueueFilterForm(forms.Form):
    """Filter by cause and choose the order (GET). Unknown values are reported and ignored."""

    motif = forms.ChoiceField(
        label=_("Motif"), required=False,
        choices=[("", _("Tous les motifs")), *((key, label) for key, (label, _causes) in CAUSES.items())],
        error_messages={"invalid_choice": _("Ce motif n'existe pas : tous les éléments sont affichés.")},
    )
    tri = forms.ChoiceField(
        label=_("Ordre"), required=False, widget=forms.RadioSelect,
        choices=[(key, label) for key, (label, _fields) in ORDERS.items()],
        error_messages={"invalid_choice": _("Cet ordre n'existe pas : les plus signalés sont en tête.")},
    )

    def filter(self, items):
        """`items` filtered and ordered by the valid values (the default order otherwise)."""
        data = self.cleaned_data if self.is_bound else {}
        causes = CAUSES.get(data.get("motif") or "")
        if causes:
            items = items.filter(cause__in=causes[1])
        return items.order_by(*ORDERS[data.get("tri") or DEFAULT_ORDER][1])

    @property
    def notices(self):
        return [error for errors in self.errors.values() for error in errors]
