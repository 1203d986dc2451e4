"""schema.org description of an article, for search engines and partner sites."""

from django.conf import settings

from creative.innovations.models import Licence

# Articles are published under the platform's licence, as the fiches are by default.
LICENCE = Licence.CC_BY_SA_4


def licence_url():
    return Licence.url(LICENCE)


def article_json_ld(article, page_url, people, *, image_url="", themes=()):
    """An `Article` (a `NewsArticle` would claim a press agency's standing: we stay modest)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title[:110],
        "name": article.title,
        "description": article.lead,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "inLanguage": "fr",
        "articleSection": article.category.name,
        "license": licence_url(),
        "dateModified": article.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
        "author": [
            {"@type": "Person", "name": person.name, **({"url": _absolute(person.url)} if person.url else {})}
            for person in people
        ],
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if image_url:
        data["image"] = {"@type": "ImageObject", "url": image_url, "caption": article.cover_alt}
        if article.cover_credit:
            data["image"]["creditText"] = article.cover_credit
    if themes:
        data["keywords"] = [t.name for t in themes]
    return data


def _absolute(url):
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url
