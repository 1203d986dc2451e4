"""Who is not a reader: crawlers, scripts, headless browsers and link-preview fetchers.

Matched on the User-Agent header only (nothing else about the visitor is looked at). An empty
user agent is a script too. The patterns are deliberately broad: a missed human view costs less
than a crawler's thousand views of « les plus lus ».
"""

import re

# Lowercased substrings; a match anywhere in the user agent means "not a reader".
BOT_PATTERNS = (
    # Generic words crawlers put in their names.
    "bot", "spider", "crawl", "slurp", "scrapy", "scraper", "archiver", "fetcher", "indexer",
    "monitor", "checker", "validator", "lighthouse", "pagespeed", "gtmetrix", "pingdom", "uptime",
    # Command-line tools and HTTP libraries.
    "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "httpie",
    "go-http-client", "java/", "okhttp", "apache-httpclient", "libwww-perl", "node-fetch", "axios/",
    "guzzlehttp", "ruby", "php/", "postmanruntime", "insomnia",
    # Headless and automated browsers.
    "headless", "phantomjs", "selenium", "webdriver", "puppeteer", "playwright", "cypress",
    # Link previews (messaging apps, social networks) and feed readers.
    "facebookexternalhit", "facebookcatalog", "whatsapp", "telegram", "skypeuripreview", "discord",
    "slack", "mastodon", "pleroma", "misskey", "embedly", "quora link preview", "linkedin", "pinterest",
    "vkshare", "iframely", "preview", "feedly", "feedfetcher", "newsblur", "inoreader", "rss",
    # Search and AI crawlers that do not say "bot".
    "mediapartners-google", "google-inspectiontool", "google-extended", "yahoo! slurp", "baiduspider",
    "yandex", "sogou", "ia_archiver", "archive.org", "bingpreview", "petalsearch", "applenewsbot",
    "chatgpt-user", "perplexity", "anthropic", "claude-web", "cohere-ai", "bytespider", "ccbot",
)

_BOT_RE = re.compile("|".join(re.escape(pattern) for pattern in BOT_PATTERNS))


def is_bot(user_agent):
    """True for an empty user agent or one of BOT_PATTERNS (case-insensitive)."""
    user_agent = (user_agent or "").strip().lower()
    return not user_agent or _BOT_RE.search(user_agent) is not None
