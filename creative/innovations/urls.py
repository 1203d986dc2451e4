from django.urls import path

from . import views

app_name = "innovations"

urlpatterns = [
    path("innovations/", views.innovation_list, name="list"),
    path("innovations/<slug:slug>/", views.innovation_detail, name="detail"),
    path("carte/", views.map_page, name="map"),
    path("carte/points.json", views.map_points, name="map_points"),
]
