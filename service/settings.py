"""Django settings for Vedomost, read from ``VEDOMOST_*`` variables (see ``service.config``).

With no variables set this is the embedded default: SQLite and local stores under ``./var``,
Celery tasks executed in-process.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from service.config import (
    ConfigError,
    broker_url,
    broker_visibility_timeout,
    database_config,
    env_bool,
    env_int,
    env_path,
    env_str,
    job_window,
    school_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("DATA_DIR", Path.cwd() / "var")


def _secret_key(data_dir: Path) -> str:
    """``VEDOMOST_SECRET_KEY`` or a key generated once into the data directory (never committed)."""
    explicit = env_str("SECRET_KEY")
    if explicit is not None:
        if len(explicit) < 32:
            raise ConfigError("VEDOMOST_SECRET_KEY", "must be at least 32 characters long")
        return explicit
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in (env_str("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "service.journal",
    "service.archive",
    "service.orders",
    "service.accounts",
    "service.web",
    "service.api",
    "service.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "service.web.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "service.web.views.errors.UserErrorMiddleware",
]

ROOT_URLCONF = "service.urls"
WSGI_APPLICATION = "service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(DATA_DIR).as_django()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "ru"
TIME_ZONE = school_time_zone()  # every time on a page is the school's local time
USE_I18N = True
USE_TZ = True

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Celery: Redis (or AMQP) when VEDOMOST_BROKER_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = broker_url()
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_RESULT_BACKEND = env_str("RESULT_BACKEND", CELERY_BROKER_URL)
# Tasks of one job waiting in the broker at once (the jobs of several schools take turns).
JOB_WINDOW = job_window()
# A close run by workers that shows no progress this long counts as interrupted (failed, with
# «Повторить»): longer than the slowest single document, shorter than a person's patience.
CLOSE_STALE_SECONDS = env_int("CLOSE_STALE_SECONDS", 300, minimum=5)
if (_visibility := broker_visibility_timeout()) is not None:
    # A task taken by a worker that died (a host lost, kill -9) goes back to the queue after this
    # long; the unacknowledged tasks are looked at often enough to notice it in time.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        "unacked_restore_throttle": 1,
        "unacked_restore_interval": max(1, min(10, _visibility // 4)),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING") or "WARNING"},
}
