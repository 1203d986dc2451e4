"""Contribution (editor), review (thread, queue, proposals) and history pages.

Each views module owns its URL patterns; they share the "editorial" namespace.
"""

from .views import editor, history, review

app_name = "editorial"

urlpatterns = [*editor.urlpatterns, *review.urlpatterns, *history.urlpatterns]
