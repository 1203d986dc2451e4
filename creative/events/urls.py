"""The agenda: each views module lists its own URLs."""

from .views import agenda, feeds, organise, registration, syndication

app_name = "events"

# The feeds first: `agenda/flux/` is not an event's slug.
urlpatterns = [
    *syndication.urlpatterns, *agenda.urlpatterns, *registration.urlpatterns, *organise.urlpatterns,
    *feeds.urlpatterns,
]
