from django.urls import path

from .views import embeds, exports, feeds, pages

app_name = "opendata"

urlpatterns = [
    # The open data page (licence, authors, dumps) and the API's human documentation.
    path("donnees-ouvertes/", pages.open_data, name="open_data"),
    path("donnees-ouvertes/api/", pages.api_docs, name="api_docs"),
    path("donnees-ouvertes/telechargements/<str:name>", pages.dump_file, name="dump_file"),
    path("compte/jetons/", pages.tokens, name="tokens"),
    # Exports of any filtered list or map view (the list's GET parameters).
    path("innovations/export.csv", exports.csv_export, name="export_csv"),
    path("innovations/export.geojson", exports.geojson_export, name="export_geojson"),
    path("innovations/export.jsonld", exports.jsonld_export, name="export_jsonld"),
    # Feeds of new and updated fiches (all, per theme, per territory, or the list's filters).
    path("innovations/flux/", feeds.AtomFeed(), name="feed"),
    path("innovations/flux/rss/", feeds.RssFeed(), name="feed_rss"),
    # Republication: a compact card and the map, framable by any site; oEmbed.
    path("innovations/<slug:slug>/integrer/", embeds.card, name="embed_card"),
    path("carte/integrer/", embeds.map_widget, name="embed_map"),
    path("oembed/", embeds.oembed, name="oembed"),
]
