"""review views (being written)"""

from django.http import HttpResponse
from django.urls import path


def review(request, pk):  # replaced by the review page
    return HttpResponse(status=501)


urlpatterns = [path("relecture/<int:pk>/", review, name="review")]
