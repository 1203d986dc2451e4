"""The legal pages at the root of the site: /mentions-legales/, /conditions-d-utilisation/, /confidentialite/.

Only these addresses are matched (a converter, not a catch-all `<slug>/` that would shadow
every other root URL); one view serves the three.
"""

from django.urls import path, register_converter

from . import views
from .defaults import SLUGS


class LegalSlugConverter:
    regex = "|".join(SLUGS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LegalSlugConverter, "legal_slug")

app_name = "legal"

urlpatterns = [path("<legal_slug:slug>/", views.page, name="page")]
