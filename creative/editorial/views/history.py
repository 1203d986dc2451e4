"""history views (being written)"""

from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by the history pages
    return HttpResponse(status=501)


urlpatterns = [
    path("innovations/<slug:slug>/historique/", _todo, name="history"),
    path("relecture/propositions/<int:pk>/", _todo, name="proposal"),
]
