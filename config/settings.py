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
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

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
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
# creative/core/mail.py): printed on the console with DEBUG or without SMTP_HOST, SMTP otherwise.

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Brest Créative <ne-pas-repondre@brest-creative.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

_smtp_host = env_str("SMTP_HOST", "").strip()
_smtp_security = env_str("SMTP_SECURITY", "starttls").strip().lower()
_SMTP_SECURITY_OPTIONS = {"starttls": {"use_tls": True}, "ssl": {"use_ssl": True}, "none": {}}
if _smtp_security not in _SMTP_SECURITY_OPTIONS:
    raise ImproperlyConfigured(
        f"SMTP_SECURITY={_smtp_security!r} is not valid: use starttls (STARTTLS, usually port 587), "
        "ssl (implicit TLS, usually port 465) or none (unencrypted, local relays only)."
    )
_smtp_port = env_int("SMTP_PORT", 465 if _smtp_security == "ssl" else 587, minimum=1)
if _smtp_port > 65535:
    raise ImproperlyConfigured(f"SMTP_PORT={_smtp_port} is not a TCP port (1 to 65535).")
_smtp_user = env_str("SMTP_USER", "").strip()
_smtp_password = env_secret("SMTP_PASSWORD", "")
if bool(_smtp_user) != bool(_smtp_password):
    raise ImproperlyConfigured(
        "SMTP_USER and SMTP_PASSWORD (or SMTP_PASSWORD_FILE) must be set together, or both left empty."
    )
_smtp_timeout = env_int("SMTP_TIMEOUT", 30, minimum=1)  # seconds, so a stuck server cannot hang the worker
if DEBUG or not _smtp_host:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": _smtp_port,
                "username": _smtp_user or None,
                "password": _smtp_password or None,
                "timeout": _smtp_timeout,
                **_SMTP_SECURITY_OPTIONS[_smtp_security],
            },
        }
    }

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
    "frame-ancestors": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
