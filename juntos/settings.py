"""Settings, read from environment variables with embedded defaults.

With no variable set Juntos runs on SQLite, runs background tasks in a thread of the web
process, and writes outgoing messages to the local outbox (DESIGN.md section 7).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# The embedded default key is only good for a local demo; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "juntos-local-demo-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "ninja",
    "juntos.language",
    "juntos.people",
    "juntos.messaging",
    "juntos.portal",
    "juntos.events",
    "juntos.conferences",
    "juntos.listening",
    "juntos.insights",
    "juntos.teams",
    "juntos.commitments",
    "juntos.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Staff pages only in the staff languages (docs/decisions/0007); family pages pick their own.
    "juntos.language.middleware.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so it sees the result of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "juntos.urls"
WSGI_APPLICATION = "juntos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "juntos" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "juntos.navigation.staff_nav",
                "juntos.teams.context.family_team_nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'juntos.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker thread write while pages read.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "auth.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:staff_home"
LOGOUT_REDIRECT_URL = "home"

# Staff sign-in through the district's identity provider, on when its variables are set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("juntos.people.oidc.StaffOIDCBackend")
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    # Only staff already on the roster may sign in; the identity provider does not create staff.
    OIDC_CREATE_USER = False

# Login throttling: lock an (account, address) pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    # The demo languages (juntos.language.registry.DEMO_LANGUAGES), each named in itself: the
    # family pages and the home page's language picker (docs/portal.md).
    ("ar", "العربية"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
    ("so", "Soomaali"),
    ("ht", "Kreyòl ayisyen"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("fa-af", "دری"),
    ("ps", "پښتو"),
    ("tl", "Tagalog"),
    ("ko", "한국어"),
    ("hmn", "Hmoob"),
    ("fr", "Français"),
]
# Django's right-to-left languages, with Pashto (Dari is "fa-af": its base "fa" is already here).
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ps", "ug", "ur"]
LOCALE_PATHS = [BASE_DIR / "juntos" / "locale"]
# The languages the staff pages are written in (docs/decisions/0007): each needs a complete
# catalog of every staff string (juntos/language/tests/test_it_has_every_staff_string_*.py).
STAFF_LANGUAGES = ["en", "es"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "var" / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "juntos" / "static"]
NODE_MODULES = BASE_DIR / "node_modules"
if (NODE_MODULES / "htmx.org" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"))
# The data-walk charts (juntos/insights/static/insights/walk.js): vega-embed draws Vega-Lite
# specs with Vega; each package ships its browser build (*.min.js) in build/.
for _vega_package in ("vega", "vega-lite", "vega-embed"):
    if (NODE_MODULES / _vega_package / "build").is_dir():
        STATICFILES_DIRS.append((f"vendor/{_vega_package}", NODE_MODULES / _vega_package / "build"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
# Roster uploads can be large; they are written to disk, never held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
JUNTOS_MAX_IMPORT_UPLOAD_BYTES = int(os.environ.get("JUNTOS_MAX_IMPORT_UPLOAD_BYTES", 500 * 2**20))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Background work. REDIS_URL set: Celery with Redis as broker. Unset: a thread in this process
# ("thread"). The test suite uses "sync": tasks run at commit, after a JSON round-trip.
REDIS_URL = os.environ.get("REDIS_URL", "")
JUNTOS_TASK_RUNNER = os.environ.get("JUNTOS_TASK_RUNNER", "celery" if REDIS_URL else "thread")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "juntos")
# Periodic work for `celery -A juntos beat` (docs/messaging.md, "Running workers"); the embedded
# default runs the same sweeps in a thread instead (juntos.worker.SWEEPERS). Every task is safe
# to run twice, so a beat restarted mid-interval does no harm.
CELERY_BEAT_SCHEDULE = {
    "sweep-deliveries": {"task": "messaging.sweep_deliveries", "schedule": 30.0},
    "send-due-announcements": {"task": "messaging.send_due_announcements", "schedule": 60.0},
    "flag-unanswered": {"task": "messaging.flag_unanswered", "schedule": 15 * 60.0},
    "sweep-roster-imports": {"task": "people.sweep_roster_imports", "schedule": 60.0},
    "forget-magic-links": {"task": "portal.forget_magic_links", "schedule": 900.0},
    "conference-reminders": {"task": "conferences.send_reminders", "schedule": 15 * 60.0},
    "event-reminders": {"task": "events.send_reminders", "schedule": 15 * 60.0},
    "weekly-digests": {"task": "insights.send_weekly_digests", "schedule": 60 * 60.0},
    "charter-reviews": {"task": "teams.remind_charter_reviews", "schedule": 60 * 60.0},
    "close-due-exchanges": {"task": "listening.close_due_exchanges", "schedule": 15 * 60.0},
    "refresh-listening-analyses": {"task": "listening.refresh_analyses", "schedule": 5 * 60.0},
}

# Which column of users.csv carries a OneRoster user's home language (an extension column).
JUNTOS_ONEROSTER_HOME_LANGUAGE_COLUMN = os.environ.get(
    "JUNTOS_ONEROSTER_HOME_LANGUAGE_COLUMN", "metadata.homeLanguage"
)

# Channels (docs/channels.md). Unset: every channel writes to the local outbox.
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_VOICE_FROM_NUMBER = os.environ.get("TWILIO_VOICE_FROM_NUMBER", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "")  # "" = Twilio itself
TWILIO_TIMEOUT_SECONDS = float(os.environ.get("TWILIO_TIMEOUT_SECONDS", "15"))
# The origin Twilio calls our webhooks on when a proxy stands in front (scheme://host, no path).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
# Family magic links (docs/portal.md): minutes a link stays valid, links per caregiver per
# hour, link requests per address per hour, wrong tokens per address per 15 minutes.
PORTAL_LINK_MINUTES = int(os.environ.get("PORTAL_LINK_MINUTES", "60"))
PORTAL_LINKS_PER_CAREGIVER_HOUR = int(os.environ.get("PORTAL_LINKS_PER_CAREGIVER_HOUR", "5"))
PORTAL_LINK_REQUESTS_PER_IP_HOUR = int(os.environ.get("PORTAL_LINK_REQUESTS_PER_IP_HOUR", "20"))
PORTAL_WRONG_TOKENS_PER_IP = int(os.environ.get("PORTAL_WRONG_TOKENS_PER_IP", "20"))
# The shared secret of the inbound-email webhook (SendGrid Inbound Parse): sent as ?token= or
# as the Basic-auth password. Empty = the endpoint answers 404 (docs/messaging.md, "Inbox").
INBOUND_EMAIL_SECRET = os.environ.get("INBOUND_EMAIL_SECRET", "")
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Juntos <noreply@localhost>")
if EMAIL_URL:
    from juntos.messaging.channels.email import email_settings_from_url

    globals().update(email_settings_from_url(EMAIL_URL))

# Machine translation, off unless set: "", "libretranslate" or "deepl" (docs/translation.md).
TRANSLATION_PROVIDER = os.environ.get("TRANSLATION_PROVIDER", "").strip().lower()
LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL", "")
LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY", "")
DEEPL_AUTH_KEY = os.environ.get("DEEPL_AUTH_KEY", "")
DEEPL_API_URL = os.environ.get("DEEPL_API_URL", "")
TRANSLATION_TIMEOUT_SECONDS = float(os.environ.get("TRANSLATION_TIMEOUT_SECONDS", "10"))
TRANSLATION_HUMAN_DUE_HOURS = float(os.environ.get("TRANSLATION_HUMAN_DUE_HOURS", "24"))
# Untranslated family messages: False = send now with the interpreter offer; True = hold them.
TRANSLATION_HOLD_FOR_HUMAN = env_bool("TRANSLATION_HOLD_FOR_HUMAN", default=False)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The twilio package logs every request at INFO, WeasyPrint every step of every PDF.
    "loggers": {
        "axes": {"level": "WARNING"},
        "twilio.http_client": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

JUNTOS_SITE_NAME = _("Juntos")
