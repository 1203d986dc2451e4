"""Small helpers of the reuse tests."""

from creative.innovations.models import Authorship
from tests.factories import InnovationFactory


def authored(user, **fields):
    """A fiche written by `user` (published in Landerneau unless told otherwise)."""
    fields.setdefault("communes", ["Landerneau"])
    fiche = InnovationFactory(**fields)
    Authorship.objects.create(innovation=fiche, user=user, is_creator=True)
    return fiche
