app_name = "reuse"

urlpatterns = []  # PLACEHOLDER: filled in by the reuse work
