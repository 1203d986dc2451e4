app_name = "matchmaking"

urlpatterns = []  # PLACEHOLDER: filled in by the matchmaking work
