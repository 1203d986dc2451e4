from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.territory_index, name="index"),
    path("territoires/<slug:slug>/", views.territory_detail, name="detail"),
]
