"""PLACEHOLDER: filled in by the team work."""

urlpatterns = []
