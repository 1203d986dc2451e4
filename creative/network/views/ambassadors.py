"""PLACEHOLDER: filled in by the ambassadors work."""

urlpatterns = []
