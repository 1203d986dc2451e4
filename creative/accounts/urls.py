from django.urls import path

from . import views, views_personal

app_name = "accounts"

urlpatterns = [
    path("compte/profil/", views.profile_edit, name="profile_edit"),
    path("compte/donnees/", views_personal.my_data, name="personal_data"),
    path("compte/supprimer/", views_personal.delete_account, name="delete_account"),
    path("compte/supprime/", views_personal.account_deleted, name="account_deleted"),
]
