"""Settings for the test suite: the same as production, with tasks run synchronously at commit
(after a JSON round-trip) and a fast password hasher."""

from __future__ import annotations

from juntos.settings import *  # noqa: F403

JUNTOS_TASK_RUNNER = "sync"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that need Redis say so; the rest must not share state through it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Static files come straight from the finders (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A developer's provider settings must never reach the tests.
TRANSLATION_PROVIDER = ""
# Nor must a developer's Twilio or email settings: every channel is the local outbox or a sink.
TWILIO_ACCOUNT_SID = TWILIO_AUTH_TOKEN = TWILIO_FROM_NUMBER = TWILIO_MESSAGING_SERVICE_SID = ""
TWILIO_VOICE_FROM_NUMBER = TWILIO_API_BASE = EMAIL_URL = ""
for _name in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT",
):  # fmt: skip
    globals().pop(_name, None)
# On SQLite, test against a file like the embedded default does (WAL, busy timeout), not the
# shared-cache in-memory database, whose locking fails at once where a file database waits.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405
