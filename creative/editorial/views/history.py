"""history views (being written)"""

urlpatterns = []
