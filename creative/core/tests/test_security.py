"""The security baseline: production defaults, password hashing, brute force, no account enumeration, uploads.

Settings are loaded in a fresh interpreter with exactly the environment under test (as in
test_config.py); requests go through the test client with the real middleware.
"""

import html
import io
import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from creative.accounts.models import Profile, User
from creative.core.checks import (
    check_login_rate_limits,
    check_password_hasher,
    check_secret_key_is_not_a_development_key,
    check_site_url_uses_https,
)
from creative.editorial.tests.test_editor import draft_by, edit_url
from tests.factories import UserFactory
from tests.worker import run_tasks

PASSWORD = "une phrase de passe solide"
worker_test = pytest.mark.django_db(transaction=True)


# --- Production defaults follow from DEBUG=0 -------------------------------------------------------

def clean_environment(**env):
    """Only what a process needs to run, plus `env`: nothing of the test run's own settings leaks in."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    return {**kept, **env}


def production(**env):
    """The four variables the deployment guide asks for, with a real random key."""
    return clean_environment(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="brest-creative.fr", **env)


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True,
        cwd=django_settings.BASE_DIR, check=False,
    )


def settings_in(env, *names):
    """The values of settings `names` once loaded with `env` (or the error that stopped start-up)."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=django_settings.BASE_DIR, check=False)
    if result.returncode:
        return result.stderr
    return json.loads(result.stdout)


def issue_ids(output):
    return set(re.findall(r"^\?: \(([\w.]+)\)", output, re.MULTILINE))


def test_deploy_check_finds_no_issue_with_the_minimal_production_environment(tmp_path):
    # DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and the database: nothing security-related left to set.
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env=production(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert issue_ids(output) == set(), output
    assert "System check identified no issues" in result.stdout

    # With a mail server named, nothing either (default SQLite database).
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production(SMTP_HOST="smtp.example.org"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_and_the_variables_that_change_them():
    values = settings_in(
        production(), "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "X_FRAME_OPTIONS", "SECURE_PROXY_SSL_HEADER",
        "ALLAUTH_TRUSTED_PROXY_COUNT", "PASSWORD_HASHERS", "ACCOUNT_PREVENT_ENUMERATION",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax", "CSRF_COOKIE_SAMESITE": "Lax",
        "X_FRAME_OPTIONS": "DENY", "SECURE_PROXY_SSL_HEADER": None, "ALLAUTH_TRUSTED_PROXY_COUNT": 0,
        "PASSWORD_HASHERS": values["PASSWORD_HASHERS"], "ACCOUNT_PREVENT_ENUMERATION": True,
    }, values
    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in values["PASSWORD_HASHERS"]

    # Behind a proxy that redirects to HTTPS and sends its own HSTS header, on a shared domain.
    values = settings_in(
        production(BEHIND_PROXY="1", SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="3600",
                   SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="no", SECURE_COOKIES="0"),
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "ALLAUTH_TRUSTED_PROXY_COUNT",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False, "SESSION_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
    }
    assert settings_in(production(BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="2"),
                       "ALLAUTH_TRUSTED_PROXY_COUNT") == {"ALLAUTH_TRUSTED_PROXY_COUNT": 2}
    assert "SECURE_HSTS_SECONDS=-1 must be at least 0" in settings_in(production(SECURE_HSTS_SECONDS="-1"), "DEBUG")
    assert "SECURE_SSL_REDIRECT='souvent' is not a boolean" in settings_in(
        production(SECURE_SSL_REDIRECT="souvent"), "DEBUG")


def test_development_works_over_plain_http(tmp_path):
    """DEBUG=1 (what `make run` sets): no redirect to https://, no HSTS, cookies over http."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; import django; django.setup(); "
        "from django.conf import settings; from django.test import Client; "
        "from django.test.utils import setup_test_environment; setup_test_environment(); "
        "response = Client().get('/robots.txt'); "
        "print(json.dumps({'status': response.status_code, 'hsts': response.headers.get('Strict-Transport-Security'), "
        "'redirect': settings.SECURE_SSL_REDIRECT, 'hsts_seconds': settings.SECURE_HSTS_SECONDS, "
        "'secure_cookies': settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE}))"
    )
    env = clean_environment(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=django_settings.BASE_DIR, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "status": 200, "hsts": None, "redirect": False, "hsts_seconds": 0, "secure_cookies": False,
    }


def test_the_test_run_itself_speaks_plain_http(client):
    # tests/environment.py keeps the redirect off (the test client and the live server use http://).
    assert client.get("/robots.txt").status_code == 200


def test_http_is_redirected_and_https_answers_with_the_security_headers(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True  # what DEBUG=0 gives (tests/environment.py turns it off)
    response = client.get("/robots.txt")
    assert response.status_code == 301 and response["Location"] == "https://testserver/robots.txt"

    response = client.get(reverse("account_login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["script-src"].split()[0] == "'self'"  # and a nonce when the page has a script
    assert "unsafe" not in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_https_only_and_not_cross_site(client, db, fast_hashing):
    UserFactory(email="camille@example.org", password=PASSWORD)
    page = client.get(reverse("account_login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(reverse("account_login"), {"login": "camille@example.org", "password": PASSWORD},
                           secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --- Deploy checks of our own --------------------------------------------------------------------

def test_a_published_development_key_is_refused_in_production(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    [error] = check_secret_key_is_not_a_development_key()
    assert error.id == "creative.E002"
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert check_secret_key_is_not_a_development_key() == []


def test_mail_links_must_use_https_on_a_public_host(settings):
    settings.DEBUG = False
    settings.SITE_URL = "http://brest-creative.fr"
    [warning] = check_site_url_uses_https()
    assert warning.id == "creative.W002" and "SITE_URL" in warning.msg
    for url in ("https://brest-creative.fr", "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        settings.SITE_URL = url
        assert check_site_url_uses_https() == [], url


def test_turning_off_the_login_rate_limits_is_reported(settings):
    settings.DEBUG = False
    assert check_login_rate_limits() == []
    settings.ACCOUNT_RATE_LIMITS = False
    [warning] = check_login_rate_limits()
    assert warning.id == "creative.W003"
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": ""}
    assert [w.id for w in check_login_rate_limits()] == ["creative.W003"]
    settings.ACCOUNT_RATE_LIMITS = {"signup": "5/h/ip"}  # login_failed keeps allauth's own default
    assert check_login_rate_limits() == []


# --- Passwords --------------------------------------------------------------------------------------

class UnavailableHasher(Argon2PasswordHasher):
    library = "argon2_library_that_is_not_installed"


def test_new_passwords_are_hashed_with_argon2id(db):
    user = UserFactory(password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    assert check_password_hasher() == []


def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(client, db):
    user = UserFactory(email="ancien@example.org")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("account_login"), {"login": "ancien@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_a_missing_argon2_library_is_a_system_check_error(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.UnavailableHasher"]
    [error] = check_password_hasher()
    assert error.id == "creative.E001" and "argon2-cffi" in error.hint


# --- Brute force: allauth's rate limits ------------------------------------------------------------

@pytest.fixture
def fast_hashing(settings):
    # Argon2 is slow on purpose; what these tests count does not depend on the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rate(action, per):
    """The first amount of `action`'s configured rates counted per `per` (ip, key, user)."""
    for part in django_settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _period, who = part.strip().split("/")
        if who == per:
            return int(amount)
    raise AssertionError(f"no {per} rate for {action}")


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_rate_limits_are_read_from_the_environment(monkeypatch):
    from config.settings import _DEFAULT_RATE_LIMITS, _rate_limits

    monkeypatch.delenv("X_RATE_LIMITS", raising=False)
    assert _rate_limits("X_RATE_LIMITS", _DEFAULT_RATE_LIMITS) == _DEFAULT_RATE_LIMITS
    monkeypatch.setenv("X_RATE_LIMITS", " signup=5/h/ip ; login_failed = 20/m/ip, 3/30m/key ; reset_password=")
    limits = _rate_limits("X_RATE_LIMITS", _DEFAULT_RATE_LIMITS)
    assert limits["signup"] == "5/h/ip" and limits["login_failed"] == "20/m/ip, 3/30m/key"
    assert limits["reset_password"] == ""  # that action's limit turned off
    assert limits["login"] == _DEFAULT_RATE_LIMITS["login"]
    monkeypatch.setenv("X_RATE_LIMITS", "OFF")
    assert _rate_limits("X_RATE_LIMITS", _DEFAULT_RATE_LIMITS) is False

    for bad, message in [("signup", "is not action=rates"), ("connexion=5/m/ip", "is not action=rates"),
                         ("signup=beaucoup", "is not a rate"), ("signup=5/minute/ip", "is not a rate"),
                         ("signup=5/m/ville", "is not a rate")]:
        monkeypatch.setenv("X_RATE_LIMITS", bad)
        with pytest.raises(ImproperlyConfigured, match=f"X_RATE_LIMITS: .*{message}"):
            _rate_limits("X_RATE_LIMITS", _DEFAULT_RATE_LIMITS)


def test_a_bad_rate_limit_variable_stops_start_up():
    assert "ACCOUNT_RATE_LIMITS: 'vite' (for signup) is not a rate" in settings_in(
        production(ACCOUNT_RATE_LIMITS="signup=vite"), "DEBUG")


def test_after_too_many_failed_logins_even_the_right_password_is_refused_in_french(client, db, fast_hashing):
    UserFactory(email="camille@example.org", password=PASSWORD)
    attempts = rate("login_failed", "key")
    for _ in range(attempts):
        response = log_in(client, "camille@example.org", "pas le bon mot de passe")
        assert response.status_code == 200 and "incorrects" in response.text
        assert "Trop de tentatives" not in response.text

    response = log_in(client, "camille@example.org")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement." in response.text

    # The limit is per account: someone else on the same network still logs in.
    UserFactory(email="yann@example.org", password=PASSWORD)
    assert log_in(Client(), "yann@example.org").status_code == 302


def test_too_many_login_requests_get_the_french_429_page(client, db, fast_hashing):
    for _ in range(rate("login", "ip")):
        assert log_in(client, "personne@example.org", "au hasard").status_code == 200
    response = log_in(client, "personne@example.org", "au hasard")
    assert response.status_code == 429
    assert "429.html" in [template.name for template in response.templates]
    page = response.text
    assert '<html lang="fr">' in page and 'class="site-header"' in page  # the site's layout (base.html)
    assert "<h1>Trop de tentatives</h1>" in page and "Réessayez un peu plus tard" in page
    assert "Content-Security-Policy" in response.headers


def test_password_reset_requests_are_limited_per_address_the_same_way_known_or_not(client, db, fast_hashing):
    UserFactory(email="camille@example.org")
    per_address = rate("reset_password", "key")
    for email in ("camille@example.org", "inconnue@example.org"):
        for _ in range(per_address):
            response = client.post(reverse("account_reset_password"), {"email": email})
            assert response.status_code == 302
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 429 and "Trop de tentatives" in response.text


# --- No account enumeration -------------------------------------------------------------------------

def comparable(response, *typed):
    """The page without what differs between any two requests (CSRF tokens, CSP nonces) nor what was typed."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', text)
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    for value in typed:
        text = text.replace(value, "ADRESSE")
    return text


def sign_up(client, email):
    return client.post(reverse("account_signup"), {
        "display_name": "Camille Le Gall", "email": email, "password1": PASSWORD, "password2": PASSWORD,
    })


@worker_test
def test_signing_up_with_a_known_address_looks_like_a_new_sign_up(db, client, mailoutbox, fast_hashing):
    owner = UserFactory(email="deja@example.org")
    new, known = sign_up(Client(), "nouvelle@example.org"), sign_up(Client(), "Deja@Example.org")
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"]) == (
        302, reverse("account_email_verification_sent"))
    new_page, known_page = Client().get(new["Location"]), Client().get(known["Location"])
    assert comparable(new_page) == comparable(known_page)
    assert User.objects.filter(email="deja@example.org").get() == owner  # no second account

    run_tasks()
    to_owner = [m for m in mailoutbox if m.to == ["deja@example.org"]]
    to_newcomer = [m for m in mailoutbox if m.to == ["nouvelle@example.org"]]
    assert [m.subject for m in to_owner] == ["[Brest Créative] Vous avez déjà un compte"]
    assert [m.subject for m in to_newcomer] == ["[Brest Créative] Confirmez votre adresse électronique"]


def test_login_errors_do_not_say_whether_the_account_exists(db, fast_hashing):
    UserFactory(email="camille@example.org", password=PASSWORD)
    known = log_in(Client(), "camille@example.org", "pas le bon mot de passe")
    unknown = log_in(Client(), "inconnue@example.org", "pas le bon mot de passe")
    assert known.status_code == unknown.status_code == 200
    assert comparable(known, "camille@example.org") == comparable(unknown, "inconnue@example.org")
    assert "incorrects" in known.text


@worker_test
def test_password_reset_answers_the_same_for_known_and_unknown_addresses(db, mailoutbox, fast_hashing):
    UserFactory(email="camille@example.org")
    known = Client().post(reverse("account_reset_password"), {"email": "camille@example.org"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "inconnue@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.status_code == 302
    assert comparable(Client().get(known["Location"])) == comparable(Client().get(unknown["Location"]))

    run_tasks()
    assert [m.to for m in mailoutbox] == [["camille@example.org"]]  # nothing is ever sent to a stranger


# --- Uploads: only re-encoded JPEG, PNG or WebP are ever stored ------------------------------------

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(document.cookie)</script></svg>")
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
DISGUISED = [
    pytest.param("photo.svg", SVG, "image/svg+xml", id="svg"),
    pytest.param("photo.png", SVG, "image/png", id="svg-named-png"),
    pytest.param("photo.png", HTML, "image/png", id="html-named-png"),
    pytest.param("photo.html", HTML, "text/html", id="html"),
]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png_with_html_after_it():
    """A real PNG with a script appended: it decodes, and a sniffing browser could read it as HTML."""
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), (11, 92, 122)).save(out, format="PNG")
    return out.getvalue() + HTML


@pytest.mark.parametrize(("name", "content", "content_type"), DISGUISED)
def test_the_profile_photo_refuses_svg_and_html(client, territories, media_root, name, content, content_type):
    user = UserFactory(profile__display_name="Camille Le Gall")
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), {
        "display_name": "Camille Le Gall", "bio": "", "commune": "",
        "photo": SimpleUploadedFile(name, content, content_type=content_type),
    })
    assert response.status_code == 200
    assert "n'est pas une image lisible" in html.unescape(response.text)
    assert not Profile.objects.get(user=user).photo
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("name", "content", "content_type"), DISGUISED)
def test_the_fiche_image_form_refuses_svg_and_html(client, territories, media_root, name, content, content_type):
    author = UserFactory()
    fiche = draft_by(author)
    client.force_login(author)
    response = client.post(edit_url(fiche, "images"), {
        "alt_text": "Un atelier", "author": "Camille", "source": "", "licence": "CC BY-SA 4.0", "caption": "",
        "action": "upload", "file": SimpleUploadedFile(name, content, content_type=content_type),
    })
    assert response.status_code == 200
    assert "n'est pas une image lisible" in html.unescape(response.text)
    assert fiche.images.count() == 0
    assert stored_files(media_root) == []


def test_what_follows_an_image_is_not_stored(client, territories, media_root):
    """Only a re-encoded copy is kept: bytes smuggled after the picture are gone."""
    user = UserFactory(profile__display_name="Camille Le Gall")
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), {
        "display_name": "Camille Le Gall", "bio": "", "commune": "",
        "photo": SimpleUploadedFile("photo.png", png_with_html_after_it(), content_type="image/png"),
    })
    assert response.status_code == 302
    [stored] = stored_files(media_root)
    assert stored.suffix == ".png"
    assert b"<script" not in stored.read_bytes() and b"<html" not in stored.read_bytes()
