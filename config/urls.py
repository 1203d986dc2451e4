from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from creative.innovations import views as innovation_views
from creative.opendata.api import api

urlpatterns = [
    path("", innovation_views.home, name="home"),
    # Before the fiches: `innovations/flux/` and `innovations/export.csv` are not fiche slugs.
    path("", include("creative.opendata.urls")),
    path("", include("creative.innovations.urls")),
    path("", include("creative.territories.urls")),
    path("", include("creative.core.urls")),
    path("", include("creative.accounts.urls")),
    # Before editorial: `contribuer/<pk>/equipe/` must win over the editor's `contribuer/<pk>/<step>/`.
    path("", include("creative.network.urls")),
    path("", include("creative.editorial.urls")),
    path("", include("creative.audit.urls")),
    path("", include("creative.moderation.urls")),
    path("", include("creative.legal.urls")),
    path("", include("creative.comments.urls")),
    path("", include("creative.contact.urls")),
    path("", include("creative.calls.urls")),
    path("", include("creative.reuse.urls")),
    path("", include("creative.matchmaking.urls")),
    path("", include("creative.events.urls")),
    path("", include("creative.letters.urls")),
    path("", include("creative.notifications.urls")),
    path("", include("creative.magazine.urls")),
    path("", include("creative.observatory.urls")),
    path("", include("creative.imports.urls")),
    path("api/v1/", api.urls),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
