app_name = "contact"

urlpatterns = []  # PLACEHOLDER: filled in by the contact work
