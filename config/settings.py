"""Brest Créative settings.

One module, driven by environment variables (see docs/configuration.md). A fresh
clone runs with no configuration at all: SQLite in WAL mode, DEBUG on, the pays
de Brest as home territory.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_secret, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ALLOW_INSECURE_SECRET_KEY", default=False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (or SECRET_KEY_FILE) in production; "
            "`make run` sets DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (refused by check --deploy)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Platform identity ----------------------------------------------------------------

SITE_NAME = env_str("SITE_NAME", "Brest Créative")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Slug of the territory this instance is about (see `manage.py load_territories`).
HOME_TERRITORY = env_str("HOME_TERRITORY", "pays-de-brest")
INNOVATIONS_GOAL = env_int("INNOVATIONS_GOAL", 1000, minimum=1)
TERRITORIES_FILE = Path(env_str("TERRITORIES_FILE", str(BASE_DIR / "data" / "communes-bretagne.csv")))

MAP_TILE_URL = env_url("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>',
)
# Above this many places in view the map endpoint answers with grid clusters.
MAP_MARKER_LIMIT = env_int("MAP_MARKER_LIMIT", 400, minimum=1)
# A contributor becomes trusted (edits to published fiches go live) after this many
# published fiches; 0 turns the automatic promotion off (editors still decide).
TRUSTED_AFTER_PUBLISHED = env_int("TRUSTED_AFTER_PUBLISHED", 2, minimum=0)
# Moderation: content is hidden after this many distinct reports until a moderator decides
# (0: never automatically); new accounts' first posts wait for a moderator.
MODERATION_AUTO_HIDE_REPORTS = env_int("MODERATION_AUTO_HIDE_REPORTS", 3, minimum=0)
MODERATION_PREMODERATE_NEW = env_bool("MODERATION_PREMODERATE_NEW", default=True)
# How long a comment stays editable by its author, in minutes.
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 15, minimum=0)
# Contact relay: how long the recipient of a message can answer it through the site
# (the sender's address is erased afterwards).
CONTACT_REPLY_DAYS = env_int("CONTACT_REPLY_DAYS", 30, minimum=1)
# Agenda: the reminder goes this many hours before an event; an online event's link is shown to
# registered people this many minutes before its start; a guest has this many hours to confirm.
EVENTS_REMINDER_HOURS = env_int("EVENTS_REMINDER_HOURS", 24, minimum=1)
EVENTS_ONLINE_LINK_MINUTES = env_int("EVENTS_ONLINE_LINK_MINUTES", 60, minimum=0)
EVENTS_GUEST_CONFIRM_HOURS = env_int("EVENTS_GUEST_CONFIRM_HOURS", 48, minimum=1)
# The weekly letter (docs/configuration.md#weekly-letter): a subscriber has this many days to
# confirm; the letter worker sends at most this many messages a second, tries a temporarily
# refused message this many times (with growing pauses), and stops mailing an address after this
# many hard bounces. LETTERS_BOUNCE_WEBHOOK_SECRET enables the bounce webhook of a mail provider.
LETTERS_CONFIRM_DAYS = env_int("LETTERS_CONFIRM_DAYS", 7, minimum=1)
LETTERS_RATE_PER_SECOND = env_int("LETTERS_RATE_PER_SECOND", 10, minimum=1)
LETTERS_MAX_ATTEMPTS = env_int("LETTERS_MAX_ATTEMPTS", 5, minimum=1)
LETTERS_BOUNCE_LIMIT = env_int("LETTERS_BOUNCE_LIMIT", 3, minimum=1)
LETTERS_BOUNCE_WEBHOOK_SECRET = env_secret("LETTERS_BOUNCE_WEBHOOK_SECRET", "")
# Statistics without tracking (creative/stats/counting.py): page views are counted on the server,
# once per visitor, page and day (a daily-salted hash, no cookie); STATS_ENABLED=0 switches it off.
# Views are buffered in memory and written in one batch every STATS_FLUSH_EVERY views or
# STATS_FLUSH_SECONDS seconds: a crashed process loses at most that many views.
STATS_ENABLED = env_bool("STATS_ENABLED", default=True)
STATS_FLUSH_EVERY = env_int("STATS_FLUSH_EVERY", 50, minimum=1)
STATS_FLUSH_SECONDS = env_int("STATS_FLUSH_SECONDS", 10, minimum=0)

# Open data (docs/configuration.md#open-data): imports flag two fiches as possible duplicates when
# their names look alike and their places are within this many metres; the public API answers
# at most API_RATE_LIMIT requests per client address per minute (429 beyond).
IMPORTS_DUPLICATE_DISTANCE_M = env_int("IMPORTS_DUPLICATE_DISTANCE_M", 200, minimum=0)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120, minimum=1)
# The daily dump of public data (`manage.py export_open_data`) is written there; empty: MEDIA_ROOT/opendata.
OPEN_DATA_DIR = env_str("OPEN_DATA_DIR", "")

# --- Applications ---------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "creative.core",
    "creative.territories",
    "creative.innovations",
    "creative.accounts",
    "creative.editorial",
    "creative.audit",
    "creative.comments",
    "creative.moderation",
    "creative.antispam",
    "creative.legal",
    "creative.network",
    "creative.contact",
    "creative.calls",
    "creative.reuse",
    "creative.matchmaking",
    "creative.events",
    "creative.letters",
    "creative.notifications",
    "creative.magazine",
    "creative.stats",
    "creative.observatory",
    "creative.opendata",
    "creative.imports",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "creative.core.middleware.StripNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "creative.core.context_processors.platform",
                "creative.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Accounts and roles (django-allauth, docs/architecture.md) ------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin's login form
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "creative.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "creative.accounts.forms.SignupProfileForm"
ACCOUNT_USER_DISPLAY = "creative.accounts.models.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # link scanners in mailboxes must not confirm for people
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one replaces it once verified
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # never mail an address that has no account
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"

# --- Database -------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL={DATABASE_URL!r} cannot be parsed: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is locked"
    # upgrades from read to write transactions.
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True) if _db["NAME"] != ":memory:" else None
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_db['ENGINE']}; only sqlite:/// and postgres:// are supported."
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Mail -----------------------------------------------------------------------------
# Django 6.1 mailers only (no EMAIL_* settings). "default" sends transactional mail (see
# creative/core/mail.py): printed on the console with DEBUG, sent by SMTP otherwise (SMTP_HOST,
# or the local mail transfer agent on localhost:25 when it is not set).

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Brest Créative <ne-pas-repondre@brest-creative.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

_smtp_host = env_str("SMTP_HOST", "").strip()
# Without SMTP_HOST, production mail goes to the machine's own mail transfer agent (postfix,
# exim, nullmailer…) on localhost:25 without TLS: the Unix convention, and Django's own default.
_local_mta = not _smtp_host
_smtp_security = env_str("SMTP_SECURITY", "none" if _local_mta else "starttls").strip().lower()
_SMTP_SECURITY_OPTIONS = {"starttls": {"use_tls": True}, "ssl": {"use_ssl": True}, "none": {}}
if _smtp_security not in _SMTP_SECURITY_OPTIONS:
    raise ImproperlyConfigured(
        f"SMTP_SECURITY={_smtp_security!r} is not valid: use starttls (STARTTLS, usually port 587), "
        "ssl (implicit TLS, usually port 465) or none (unencrypted, local relays only)."
    )
_default_port = 25 if _local_mta and _smtp_security == "none" else 465 if _smtp_security == "ssl" else 587
_smtp_port = env_int("SMTP_PORT", _default_port, minimum=1)
if _smtp_port > 65535:
    raise ImproperlyConfigured(f"SMTP_PORT={_smtp_port} is not a TCP port (1 to 65535).")
_smtp_user = env_str("SMTP_USER", "").strip()
_smtp_password = env_secret("SMTP_PASSWORD", "")
if bool(_smtp_user) != bool(_smtp_password):
    raise ImproperlyConfigured(
        "SMTP_USER and SMTP_PASSWORD (or SMTP_PASSWORD_FILE) must be set together, or both left empty."
    )
_smtp_timeout = env_int("SMTP_TIMEOUT", 30, minimum=1)  # seconds, so a stuck server cannot hang the worker
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host or "localhost",
                "port": _smtp_port,
                "username": _smtp_user or None,
                "password": _smtp_password or None,
                "timeout": _smtp_timeout,
                **_SMTP_SECURITY_OPTIONS[_smtp_security],
            },
        }
    }

# "bulk" sends the weekly letter (creative/letters/delivery.py): the same server as "default"
# unless BULK_SMTP_HOST names another (a mailing provider's relay, so that the letter's volume
# and bounces never hurt the reputation of transactional mail).
_bulk_host = env_str("BULK_SMTP_HOST", "").strip()
if _bulk_host and not DEBUG:
    _bulk_security = env_str("BULK_SMTP_SECURITY", "starttls").strip().lower()
    if _bulk_security not in _SMTP_SECURITY_OPTIONS:
        raise ImproperlyConfigured(f"BULK_SMTP_SECURITY={_bulk_security!r} is not valid: use starttls, ssl or none.")
    _bulk_user = env_str("BULK_SMTP_USER", "").strip()
    _bulk_password = env_secret("BULK_SMTP_PASSWORD", "")
    if bool(_bulk_user) != bool(_bulk_password):
        raise ImproperlyConfigured("BULK_SMTP_USER and BULK_SMTP_PASSWORD must be set together, or both left empty.")
    MAILERS["bulk"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _bulk_host,
            "port": env_int("BULK_SMTP_PORT", 465 if _bulk_security == "ssl" else 587, minimum=1),
            "username": _bulk_user or None,
            "password": _bulk_password or None,
            "timeout": _smtp_timeout,
            **_SMTP_SECURITY_OPTIONS[_bulk_security],
        },
    }
else:
    MAILERS["bulk"] = MAILERS["default"]

# --- Background tasks -----------------------------------------------------------------
# django.tasks with a database queue; `manage.py db_worker` runs them (`make run` starts one).
# Enqueue after the transaction commits: creative.core.tasks.enqueue_on_commit.

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Front-end libraries come from npm (package-lock.json) at set-up time, never from the repo.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("STATIC_MANIFEST", default=True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------------------
# Production-safe by default: without DEBUG the site is HTTPS-only (redirect, HSTS, secure
# cookies) and never framed. Each variable below turns one thing off or tunes it; see
# docs/deployment.md#security. Development and tests (DEBUG=1, plain http://127.0.0.1)
# keep all of it off.

_https = not DEBUG
_behind_proxy = env_bool("BEHIND_PROXY")

_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", f"{_tiles.scheme}://{_tiles.netloc}"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    # Nobody frames the site, itself included (with X_FRAME_OPTIONS below). A future embed
    # view opts out with @xframe_options_exempt and @csp_override.
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. Behind a proxy that terminates TLS, BEHIND_PROXY=1 makes Django trust its
# X-Forwarded-Proto (without it, the redirect below would loop).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_proxy else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _https else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Cookies: HTTPS-only without DEBUG, never read by scripts (the session), not sent on
# cross-site sub-requests. The CSRF cookie stays readable: Django's docs explain why that
# adds no risk, and editor.js reads the token from the form anyway.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https and env_bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# Passwords: Argon2id for new hashes; older PBKDF2 hashes still verify and are re-hashed
# with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# No account enumeration: sign-up with a known address answers like a new one (and mails
# the owner), login errors and password reset never say whether an account exists.
ACCOUNT_PREVENT_ENUMERATION = True

# Brute force and abuse: django-allauth's rate limits, counted in the cache (share it between
# processes with REDIS_URL). "amount/period/per" with per = ip, key (the address typed) or
# user; several rates separated by commas all apply. ACCOUNT_RATE_LIMITS overrides actions,
# e.g. "login_failed=10/m/ip,5/15m/key; signup=20/h/ip", or turns them all off with "off".
_DEFAULT_RATE_LIMITS = {
    "login": "30/m/ip",  # beyond this, a 429 page (templates/429.html)
    "login_failed": "10/m/ip,50/h/ip,5/15m/key",  # then the login form refuses even a right password
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,3/h/key",  # mails sent to one address
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Every action allauth limits (allauth.account.app_settings.RATE_LIMITS).
_RATE_LIMIT_ACTIONS = {
    *_DEFAULT_RATE_LIMITS, "change_phone", "request_login_code", "confirm_email", "verify_phone",
}


def _rate_limits(name, defaults):
    """Parse "action=rates; action=rates" from the environment over `defaults` ("off": none at all)."""
    raw = env_str(name, "").strip()
    if raw.lower() == "off":
        return False
    limits = dict(defaults)
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        action, sep, rates = (piece.strip() for piece in item.partition("="))
        if not sep or action not in _RATE_LIMIT_ACTIONS:
            actions = ", ".join(sorted(_RATE_LIMIT_ACTIONS))
            raise ImproperlyConfigured(f"{name}: {item!r} is not action=rates with one of the actions {actions}.")
        for rate in filter(None, (r.strip() for r in rates.split(","))):
            amount, _, rest = rate.partition("/")
            period, _, per = rest.partition("/")
            number = period[:-1]
            if not (
                amount.isdigit()
                and period[-1:] in ("s", "m", "h", "d")
                and (not number or number.replace(".", "", 1).isdigit())
                and per in ("", "ip", "key", "user")
            ):
                raise ImproperlyConfigured(
                    f"{name}: {rate!r} (for {action}) is not a rate such as 10/m/ip, 5/15m/key or 3/h/user."
                )
        limits[action] = rates  # an empty value turns that action's limit off
    return limits


ACCOUNT_RATE_LIMITS = _rate_limits("ACCOUNT_RATE_LIMITS", _DEFAULT_RATE_LIMITS)
# How many proxies of ours add themselves to X-Forwarded-For: the client address rate limits
# count per is the one the outermost of them saw. 0 trusts no header (direct connections).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if _behind_proxy else 0, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Anti-spam (creative/antispam; docs/configuration.md#anti-spam) ------------------------
# Layers against automated and commercial spam on public forms: a honeypot and a minimum fill
# time on forms, rate limits per client address and account (the same address as allauth's
# limits, see TRUSTED_PROXY_COUNT), content scoring, a link limit for new accounts.

from creative.antispam.limits import parse_rate_limits  # noqa: E402 (plain Python, validates the variable)


def _antispam_float(name, default, *, minimum):
    raw = env_str(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


# Seconds a form must stay displayed before it is sent (robots post at once); 0 turns the
# check off. Read at each request.
ANTISPAM_MIN_FILL_SECONDS = env_int("ANTISPAM_MIN_FILL_SECONDS", 3, minimum=0)
# "action=amount/period[/ip|user],…; …" over the defaults of creative/antispam/limits.py,
# e.g. "comment=10/h/user,30/h/ip; contact=5/d"; "off" turns every limit off.
ANTISPAM_RATE_LIMITS = parse_rate_limits(env_str("ANTISPAM_RATE_LIMITS", ""), "ANTISPAM_RATE_LIMITS")
# Content scoring: a text whose score reaches this is held (refused where no moderation exists).
ANTISPAM_HOLD_SCORE = _antispam_float("ANTISPAM_HOLD_SCORE", 5.0, minimum=0.5)
ANTISPAM_WORDS_FILE = Path(
    env_str("ANTISPAM_WORDS_FILE", str(BASE_DIR / "creative" / "antispam" / "data" / "spam-words.txt"))
)
# Hours a stored text's fingerprint is kept to spot the same text posted again; 0: no check.
ANTISPAM_REPEAT_HOURS = env_int("ANTISPAM_REPEAT_HOURS", 72, minimum=0)
# New accounts: younger than this many days and not trusted. Their links weigh more in scores,
# and one text of theirs may hold at most ANTISPAM_NEW_ACCOUNT_MAX_LINKS links.
ANTISPAM_NEW_ACCOUNT_DAYS = env_int("ANTISPAM_NEW_ACCOUNT_DAYS", 7, minimum=0)
ANTISPAM_NEW_ACCOUNT_MAX_LINKS = env_int("ANTISPAM_NEW_ACCOUNT_MAX_LINKS", 2, minimum=0)
# An external opinion, off by default: creative.antispam.checkers.AkismetChecker, or any
# class with the same check() method. Its failures never block posting.
ANTISPAM_CHECKER = env_str("ANTISPAM_CHECKER", "").strip()
ANTISPAM_AKISMET_KEY = env_secret("ANTISPAM_AKISMET_KEY", "") or ""
ANTISPAM_AKISMET_URL = env_url("ANTISPAM_AKISMET_URL", "https://{key}.rest.akismet.com/1.1/comment-check")
ANTISPAM_CHECKER_TIMEOUT = env_int("ANTISPAM_CHECKER_TIMEOUT", 3, minimum=1)
