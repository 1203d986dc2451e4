"""People, organisations, fiche teams and ambassadors: each views module lists its own URLs."""

from .views import ambassadors, organisations, people, team

app_name = "network"

urlpatterns = [*people.urlpatterns, *organisations.urlpatterns, *team.urlpatterns, *ambassadors.urlpatterns]
