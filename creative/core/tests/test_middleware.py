"""NUL characters in query strings never reach a database (PostgreSQL refuses them)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from creative.core.middleware import StripNulCharactersMiddleware

pytestmark = pytest.mark.django_db


def test_nul_characters_are_removed_from_every_parameter():
    seen = {}

    def view(request):
        seen.update({key: request.GET.getlist(key) for key in request.GET})
        return HttpResponse("ok")

    request = RequestFactory().get("/innovations/?q=jar%00din&theme=a%00&theme=b&t%00ri=x")
    StripNulCharactersMiddleware(view)(request)
    assert seen == {"q": ["jardin"], "theme": ["a", "b"], "tri": ["x"]}


@pytest.mark.parametrize("url", [
    "/innovations/?q=jar%00din", "/innovations/?theme=numerique%00", "/carte/points.json?bbox=-5,48,-4,49&zoom=9&q=%00",
    "/innovations/flux/?q=a%00b", "/innovations/export.csv?q=a%00b", "/api/v1/innovations/?q=a%00b&theme=x%00",
    "/agenda/?territoire=brest%00", "/magazine/?theme=%00",
])
def test_pages_feeds_exports_and_api_answer_a_nul_in_a_filter(client, territories, url):
    assert client.get(url).status_code < 500
