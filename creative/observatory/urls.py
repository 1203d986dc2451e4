from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("observatoire/", views.observatory, name="index"),
    path("observatoire/les-plus-lus/", views.most_read, name="most_read"),
    path("observatoire/donnees/<slug:name>.csv", views.chart_csv, name="csv"),
    path("observatoire/couverture.json", views.coverage_points, name="coverage_points"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/fiche/<int:pk>/verifier/", views.ask_freshness, name="ask_freshness"),
]
