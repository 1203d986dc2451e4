from django.urls import path

from .views import archive, editor, subscription, webhooks

app_name = "letters"

urlpatterns = [
    # Public: the archive of sent letters and its feeds.
    path("lettre/", archive.archive, name="archive"),
    path("lettre/flux/", archive.AtomFeed(), name="feed"),
    path("lettre/flux/rss/", archive.RssFeed(), name="feed_rss"),
    path("lettre/<int:number>/", archive.issue, name="issue"),
    # Subscriptions (no account needed).
    path("lettre/abonnement/", subscription.subscribe, name="subscribe"),
    path("lettre/abonnement/envoye/", subscription.subscribe_done, name="subscribe_done"),
    path("lettre/confirmer/<str:token>/", subscription.confirm, name="confirm"),
    path("lettre/preferences/<str:token>/", subscription.preferences, name="preferences"),
    path("lettre/desabonnement/<str:token>/", subscription.unsubscribe, name="unsubscribe"),
    # A mail provider's bounce notifications.
    path("lettre/rebonds/", webhooks.bounce, name="bounce_webhook"),
    # Editors: compose, edit, preview, test, schedule or send; follow the sending.
    path("lettre/redaction/", editor.manage, name="manage"),
    path("lettre/redaction/nouvelle/", editor.compose, name="compose"),
    path("lettre/redaction/<int:number>/", editor.edit, name="edit"),
    path("lettre/redaction/<int:number>/apercu/", editor.preview, name="preview"),
    path("lettre/redaction/<int:number>/test/", editor.send_test, name="send_test"),
    path("lettre/redaction/<int:number>/envoyer/", editor.send, name="send"),
]
