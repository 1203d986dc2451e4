from django.http import HttpResponse
from django.urls import path


def _todo(request):  # replaced by the log page
    return HttpResponse(status=501)


app_name = "audit"

urlpatterns = [path("journal/", _todo, name="log")]
