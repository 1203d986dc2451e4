from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    # Editors and administrators: sources, file imports with a dry run, harvesting, duplicates.
    path("imports/", views.sources, name="sources"),
    path("imports/nouvelle-source/", views.source_create, name="source_create"),
    path("imports/<slug:slug>/", views.source_detail, name="source_detail"),
    path("imports/<slug:slug>/importer/", views.upload, name="upload"),
    path("imports/<slug:slug>/synchroniser/", views.sync, name="sync"),
    path("imports/essais/<int:pk>/", views.run_detail, name="run"),
    path("imports/essais/<int:pk>/progression.json", views.run_progress, name="run_progress"),
    path("imports/essais/<int:pk>/appliquer/", views.apply_run, name="apply_run"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("doublons/<int:pk>/", views.duplicate_detail, name="duplicate"),
]
