from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.territory_index, name="index"),
    path("territoires/communes.json", views.commune_search, name="communes"),
    path("territoires/<slug:slug>/", views.territory_detail, name="detail"),
]
