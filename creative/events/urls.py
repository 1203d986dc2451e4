"""The agenda: each views module lists its own URLs."""

from .views import agenda, feeds, organise, registration

app_name = "events"

urlpatterns = [*agenda.urlpatterns, *registration.urlpatterns, *organise.urlpatterns, *feeds.urlpatterns]
