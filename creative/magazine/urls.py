from django.urls import path

from .views import editing, public

app_name = "magazine"

urlpatterns = [
    # Readers.
    path("magazine/", public.index, name="index"),
    path("magazine/flux/", public.AtomFeed(), name="feed"),
    path("magazine/flux/rss/", public.RssFeed(), name="feed_rss"),
    path("magazine/rubrique/<slug:slug>/", public.category, name="category"),
    path("magazine/auteur/<slug:slug>/", public.author, name="author"),
    path("magazine/<int:year>/<int:month>/", public.month, name="month"),
    # Writers and editors (before the article's slug: these words are not slugs of articles).
    path("magazine/ecrire/", editing.create, name="create"),
    path("magazine/mes-articles/", editing.mine, name="mine"),
    path("magazine/relecture/", editing.queue, name="queue"),
    path("magazine/ecrire/<int:pk>/", editing.edit, name="edit"),
    path("magazine/ecrire/<int:pk>/relecture/", editing.review, name="review"),
    path("magazine/ecrire/<int:pk>/historique/", editing.history, name="history"),
    path("magazine/ecrire/<int:pk>/historique/<int:number>/", editing.revision, name="revision"),
    # An article (and its dossier map data).
    path("magazine/<slug:slug>/", public.article, name="article"),
    path("magazine/<slug:slug>/carte.json", public.dossier_points, name="dossier_points"),
]
