import pytest
from django.test import RequestFactory

from creative.innovations.models import Authorship, Licence
from creative.opendata.attribution import attribution_for, escape_markdown, reuse_kit
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_():
    return RequestFactory().get("/")


def signed(fiche, *names):
    for i, name in enumerate(names):
        user = UserFactory(profile__display_name=name)
        Authorship.objects.create(innovation=fiche, user=user, is_creator=i == 0)
    return fiche


def test_attribution_names_the_authors_and_links_the_licence(request_):
    fiche = signed(InnovationFactory(title="Jardin partagé", contact_email="porteur@example.org"), "Anne", "Bruno")
    attribution = attribution_for(fiche, request_)
    assert attribution.credit == "Anne et Bruno"
    assert attribution.url == "http://testserver/innovations/jardin-partage/"
    assert attribution.licence == "CC BY-SA 4.0"
    assert attribution.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"
    assert "citer ses auteurs" in attribution.plain_words
    html = str(attribution.as_html())
    assert '<a href="http://testserver/innovations/jardin-partage/">Jardin partagé</a>' in html
    assert 'rel="license"' in html and "Anne et Bruno" in html
    markdown = attribution.as_markdown()
    assert "[Jardin partagé](http://testserver/innovations/jardin-partage/)" in markdown
    assert "[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/deed.fr)" in markdown
    kit = reuse_kit(fiche, request_)
    assert all("@" not in str(kit[key]) for key in ("text", "html", "markdown", "embed_code"))


def test_unsigned_fiche_credits_its_carrier(request_):
    fiche = InnovationFactory(carrier_name="Association des amis")
    assert attribution_for(fiche, request_).credit == "Association des amis"


def test_html_and_markdown_are_escaped(request_):
    fiche = signed(InnovationFactory(title='<script>x</script> & "co" [lien](javascript:x) *gras*'), "<b>Eve</b>")
    attribution = attribution_for(fiche, request_)
    html = str(attribution.as_html())
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &quot;co&quot;" in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
    markdown = attribution.as_markdown()
    assert "\\<script\\>" in markdown and "\\[lien\\](javascript:x)" in markdown and "\\*gras\\*" in markdown
    assert "\\<b\\>Eve\\</b\\>" in markdown
    assert escape_markdown("a_b") == "a\\_b"


@pytest.mark.parametrize("licence", [Licence.ODBL_1, Licence.ETALAB_2, Licence.CC0, Licence.CC_BY_4])
def test_every_licence_has_plain_words_and_an_address(request_, licence):
    fiche = InnovationFactory(licence=licence)
    attribution = attribution_for(fiche, request_)
    assert attribution.plain_words and attribution.licence_url.startswith("https://")
    assert attribution.licence == fiche.get_licence_display()
    if licence == Licence.ODBL_1:
        assert "ODbL" in attribution.plain_words and "ODbL 1.0" in attribution.as_markdown()


def test_drafts_get_no_embed_code(request_):
    kit = reuse_kit(InnovationFactory(state="draft"), request_)
    assert kit["embed_code"] == "" and kit["oembed_url"] == "" and kit["markdown"]
