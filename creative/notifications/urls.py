from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("suivre/<slug:kind>/<int:pk>/", views.follow, name="follow"),
    path("ne-plus-suivre/<slug:kind>/<int:pk>/", views.unfollow, name="unfollow"),
    path("compte/abonnements/", views.follows, name="follows"),
    path("compte/notifications/", views.preferences, name="preferences"),
    path("notifications/", views.notification_list, name="list"),
    path("notifications/tout-lu/", views.read_all, name="read_all"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
]
