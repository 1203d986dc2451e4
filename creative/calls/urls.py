"""Calls for help: the open calls of the territory, and each fiche's management page."""

from . import views

app_name = "calls"

urlpatterns = views.urlpatterns
