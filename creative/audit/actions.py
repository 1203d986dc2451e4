"""The actions the audit log knows, with their French labels.

Any string may be recorded; these have a label in the log's pages and filters.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "innovation.created": _("fiche créée"),
    "innovation.submitted": _("fiche soumise à relecture"),
    "innovation.withdrawn": _("soumission retirée"),
    "innovation.changes_requested": _("modifications demandées"),
    "innovation.published": _("fiche publiée"),
    "innovation.rejected": _("fiche refusée"),
    "innovation.archived": _("fiche archivée"),
    "innovation.unarchived": _("fiche republiée"),
    "innovation.reopened": _("fiche remise en brouillon"),
    "innovation.deleted": _("fiche supprimée"),
    "image.added": _("image ajoutée"),
    "image.removed": _("image retirée"),
    "revision.saved": _("modification enregistrée"),
    "revision.proposed": _("modification proposée"),
    "revision.approved": _("modification acceptée"),
    "revision.declined": _("modification refusée"),
    "revision.reverted": _("retour à une version antérieure"),
    "suggestion.made": _("suggestion faite"),
    "suggestion.accepted": _("suggestion acceptée"),
    "suggestion.declined": _("suggestion refusée"),
    "coauthor.invited": _("co-auteur invité"),
    "coauthor.added": _("co-auteur ajouté"),
    "coauthor.removed": _("co-auteur retiré"),
    "role.granted": _("rôle accordé"),
    "role.revoked": _("rôle retiré"),
    "scope.added": _("territoire d'édition ajouté"),
    "scope.removed": _("territoire d'édition retiré"),
    "account.deactivated": _("compte désactivé"),
    "account.reactivated": _("compte réactivé"),
    "account.deleted": _("compte supprimé"),
    "account.blocked": _("compte bloqué"),
    "account.unblocked": _("compte débloqué"),
    "comment.posted": _("commentaire envoyé"),
    "comment.edited": _("commentaire modifié"),
    "comment.deleted": _("commentaire supprimé par son auteur"),
    "moderation.reported": _("contenu signalé"),
    "moderation.held": _("contenu retenu pour modération"),
    "moderation.auto_hidden": _("contenu masqué après signalements"),
    "moderation.dismissed": _("signalements écartés"),
    "moderation.approved": _("contenu approuvé"),
    "moderation.hidden": _("contenu masqué"),
    "moderation.restored": _("contenu rétabli"),
    "moderation.deleted": _("contenu supprimé comme indésirable"),
    "spam.suspected": _("contenu suspecté d'être du spam"),
    "organisation.created": _("organisation créée"),
    "organisation.updated": _("organisation modifiée"),
    "organisation.member_invited": _("membre invité dans une organisation"),
    "organisation.member_joined": _("membre arrivé dans une organisation"),
    "organisation.member_removed": _("membre retiré d'une organisation"),
    "organisation.role_changed": _("rôle de membre changé"),
    "team.added": _("ajout à l'équipe d'une fiche"),
    "team.removed": _("retrait de l'équipe d'une fiche"),
    "ambassador.declared": _("offre d'ambassadeur déclarée"),
    "ambassador.updated": _("offre d'ambassadeur modifiée"),
    "ambassador.withdrawn": _("offre d'ambassadeur retirée"),
    "call.created": _("appel à l'aide publié"),
    "call.updated": _("appel à l'aide modifié"),
    "call.deleted": _("appel à l'aide supprimé"),
    "reuse.declared": _("reproduction déclarée"),
    "reuse.confirmed": _("reproduction confirmée"),
    "reuse.declined": _("reproduction refusée"),
    "reuse.withdrawn": _("reproduction retirée"),
    "event.proposed": _("événement proposé"),
    "event.published": _("événement publié"),
    "event.rejected": _("événement refusé"),
    "event.updated": _("événement modifié"),
    "event.cancelled": _("événement annulé"),
    "event.attendees_written": _("message envoyé aux inscrits"),
    "events.registration_cancelled_by_organiser": _("inscription annulée par l'organisation"),
    "events.calendar_token_renewed": _("adresse du calendrier personnel renouvelée"),
    "letters.issue.composed": _("lettre composée"),
    "letters.issue.edited": _("lettre modifiée"),
    "letters.issue.scheduled": _("envoi de la lettre programmé"),
    "letters.issue.sent": _("lettre mise en envoi"),
    "letters.issue.test_sent": _("lettre de test envoyée"),
    "letters.subscriber.bouncing": _("adresse abonnée en échec"),
}

# The first word of an action names what it acts on: the groups of the log's filter.
GROUPS = {
    "innovation": _("Fiches"),
    "image": _("Images"),
    "revision": _("Versions"),
    "suggestion": _("Suggestions"),
    "coauthor": _("Co-auteurs"),
    "role": _("Rôles et territoires"),
    "scope": _("Rôles et territoires"),
    "account": _("Comptes"),
    "comment": _("Commentaires"),
    "moderation": _("Modération"),
    "spam": _("Modération"),
    "legal": _("Pages légales"),
    "organisation": _("Organisations"),
    "team": _("Équipes des fiches"),
    "ambassador": _("Ambassadeurs"),
    "call": _("Appels à l'aide"),
    "reuse": _("Essaimage"),
    "event": _("Agenda"),
    "events": _("Agenda"),
    "letters": _("Lettre de la semaine"),
}


def label_of(action):
    return LABELS.get(action, action)


def grouped_choices():
    """[(group label, [(action, label), …]), …] for a select, in the order of LABELS."""
    groups = {}
    for action, label in LABELS.items():
        group = GROUPS.get(action.partition(".")[0], _("Autres"))
        groups.setdefault(str(group), []).append((action, label))
    return list(groups.items())
