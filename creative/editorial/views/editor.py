"""editor views (being written)"""

from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by the guided editor
    return HttpResponse(status=501)


urlpatterns = [
    path("contribuer/", _todo, name="my_fiches"),
    path("contribuer/nouvelle/", _todo, name="create"),
    path("contribuer/<int:pk>/<slug:step>/", _todo, name="edit"),
]
