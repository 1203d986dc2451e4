"""The append-only audit log. Record with `record(actor, "innovation.published", fiche, reason=...)`."""


def record(actor, action, target=None, **data):
    """Append one entry: `actor` (a user, or None for the system) did `action` on `target`."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=str(actor.display_name)[:150] if authenticated else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data,
    )
