"""What every real-browser test shares, wherever it lives (tests/browser/ or an app's tests/).

Playwright drives Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium), not a browser
downloaded by `playwright install`. The browser never leaves localhost: map tiles are answered
with a 1x1 PNG and any other external request is aborted. The fixtures are registered for the
whole suite by the root conftest.py:

- `browser_type_launch_args` — the system Chromium and its flags;
- `offline` — `offline(context)` routes a browser context as above;
- `browser_page` — a French page on the live server, offline, that collects console errors and
  uncaught exceptions in `page.errors`;
- `sign_in(context, user, live_server)` — hands the browser a session of `user`.

An app's browser test module marks itself with `browser_module_marks()` (browser, transactional
database, skipped without Chromium except on CI, where a missing browser fails).
"""

import os
import re
import struct
import zlib
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
MISSING_MESSAGE = f"Chromium not found at {CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)"
# HTTP(S) requests to anything but the live server (which listens on localhost).
EXTERNAL_URL = re.compile(r"^https?://(?!(localhost|127\.0\.0\.1|\[::1\])(:\d+)?/)")


def chromium_available():
    return os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)


def on_ci():
    return os.environ.get("CI") == "true"


def browser_module_marks():
    """`pytestmark` of an app's browser test module."""
    return [
        pytest.mark.browser,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(not chromium_available() and not on_ci(), reason=MISSING_MESSAGE),
    ]


def _png_1x1():
    """A valid 1x1 transparent PNG, built here rather than stored as a binary file."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1x1, 8-bit RGBA
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")  # filter byte + one transparent pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


TILE_PNG = _png_1x1()


def tile_pattern():
    """Glob for the configured tile server, e.g. "https://tile.openstreetmap.org/**"."""
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}/**"


def sign_in(context, user, live_server):
    """Give the browser a session of `user` (as if they had logged in)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture
def offline():
    """Route a browser context: tiles get a 1x1 PNG, any other external request is aborted."""

    def install(context):
        context.external_requests = []

        def abort(route):
            context.external_requests.append(route.request.url)
            route.abort()

        # The last route registered wins: the tile route goes after the catch-all.
        context.route(EXTERNAL_URL, abort)
        context.route(tile_pattern(), lambda route: route.fulfill(status=200, content_type="image/png", body=TILE_PNG))
        return context

    return install


@pytest.fixture
def browser_page(new_context, live_server, offline):
    """A page on the live server (French, 1280×900, offline) whose errors are kept in `page.errors`."""
    context = offline(new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


# --- Accessibility (axe-core) and Content-Security-Policy violations -------------------------------

AXE_BLOCKING = frozenset({"serious", "critical"})
_axe = None


def blocking_violations(page):
    """The serious and critical axe-core violations of the page as it is now."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return [v for v in _axe.run(page).response["violations"] if v["impact"] in AXE_BLOCKING]


def describe_violations(violations):
    """One line per violation and up to ten offending elements, with axe's help link."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def assert_accessible(page, what):
    blocking = blocking_violations(page)
    assert not blocking, f"{what}:\n{describe_violations(blocking)}"


# Added with page.add_init_script: every CSP violation of the page lands in window.__cspViolations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push([event.effectiveDirective, event.blockedURI, event.sourceFile, event.lineNumber,
                               event.sample].join(" | "));
});
"""
