"""Contact relay URLs: write to a person, an organisation, an ambassador; answer a message."""

from django.urls import path

from . import views

app_name = "contact"

urlpatterns = [
    path("contacter/personne/<slug:slug>/", views.person, name="person"),
    path("contacter/organisation/<slug:slug>/", views.organisation, name="organisation"),
    path("contacter/ambassadeur/<int:pk>/", views.ambassador, name="ambassador"),
    path("contact/reponse/<uuid:token>/", views.reply, name="reply"),
]
