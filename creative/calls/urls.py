app_name = "calls"

urlpatterns = []  # PLACEHOLDER: filled in by the calls work
