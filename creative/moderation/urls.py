from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("signaler/<str:label>/<str:pk>/", views.report, name="report"),
    path("signaler/<str:label>/<str:pk>/merci/", views.report_thanks, name="report_thanks"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/comptes-bloques/", views.blocked_accounts, name="blocked"),
    path("moderation/comptes-bloques/<int:user_pk>/debloquer/", views.unblock, name="unblock"),
    path("moderation/<int:pk>/", views.item_page, name="item"),
    path("moderation/<int:pk>/bloquer/", views.block_author, name="block_author"),
    path("moderation/<int:pk>/debloquer/", views.unblock_author, name="unblock_author"),
    path("moderation/<int:pk>/<slug:action>/", views.decide, name="decide"),
]
