"""PLACEHOLDER: filled in by the organisations work."""

urlpatterns = []
