"""editor views (being written)"""

urlpatterns = []
