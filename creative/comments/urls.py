from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("commentaires/<int:pk>/modifier/", views.edit, name="edit"),
    path("commentaires/<int:pk>/supprimer/", views.delete, name="delete"),
    # <target_label> is "app_label.model_name" of a kind registered in targets.py ("innovations.innovation").
    path("commentaires/<str:target_label>/<int:object_pk>/", views.post, name="post"),
]
