"""Reproductions and inspirations: declaring a link between two fiches, and deciding on it."""

from . import views

app_name = "reuse"

urlpatterns = views.urlpatterns
