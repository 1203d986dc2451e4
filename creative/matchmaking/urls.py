from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("j-ai-un-projet/", views.project, name="project"),
]
