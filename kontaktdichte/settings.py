"""Kontaktdichte settings: one module, every knob read from the environment.

Unset variables fall back to safe defaults (SQLite in the project folder, DEBUG off);
values that cannot be read fail loudly at start rather than being guessed.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: 'true'/'false'/'1'/'0'/'yes'/'no'/'on'/'off', nothing else."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (runserver threads, management commands) share one file. IMMEDIATE: a
    # transaction takes the write lock when it begins, so that what it reads stays true until
    # it writes (a bulk recompute chunk reads facts, then stores decisions) and two writers
    # queue instead of failing with "database is locked" halfway.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    options.setdefault("transaction_mode", "IMMEDIATE")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new connection per request cost a third of a list page's time under
# load. Checked before reuse, so a restarted database costs one failed request, not many.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming read replica of the primary: lists and reports read from it (kontaktdichte.replica).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL.")
    DATABASES["replica"].update(CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True)
    # Tests read the replica alias through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kontaktdichte.replica.ReplicaRouter"]
# PostgreSQL (primary and replica): parameters bound on the server, and a statement a connection
# has run five times prepared, so that PostgreSQL no longer parses and plans it for every page.
# Off behind a pooler in transaction mode that does not keep prepared statements (PgBouncer
# before 1.21).
if env_bool("DATABASE_PREPARED_STATEMENTS", True):
    for database in DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kontaktdichte.apps.KontaktdichteConfig",
    "policies",
    "caseload",
    "appointments",
    "employers",
    "reports",
    "survey",
    "audit",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything else (no session, no database): collectstatic's STATIC_ROOT.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "kontaktdichte.middleware.no_store",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kontaktdichte.middleware.sliding_session",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kontaktdichte.middleware.reject_nul",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# Outermost: each request in a fresh chunk of Python's data stack (kontaktdichte/datastack.py).
if env_bool("DATA_STACK_RESERVE", True):
    MIDDLEWARE.insert(0, "kontaktdichte.datastack.roomy_stack")

ROOT_URLCONF = "kontaktdichte.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{{ value|day }}` in every template (kontaktdichte/templatetags/dates.py).
            "builtins": ["kontaktdichte.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kontaktdichte.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "kontaktdichte.wsgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password guessing: django-axes counts failed logins per user name and locks the name out
# after AXES_FAILURE_LIMIT failures for LOCKOUT_MINUTES (an admin unlocks earlier in the admin,
# "Zugriffsversuche", or with `manage.py axes_reset_username NAME`). Per name, not per address:
# a job centre's staff share few outgoing addresses, and locking one would lock them all out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user with one plain statement.
    "kontaktdichte.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address as a lockout parameter because rotating user agents or cookies
# would escape a lock on those; a lock on the user name is escaped by neither, and a lock on the
# address would lock out a whole office behind one proxy.
# models.W040: SQLite ignores an index's INCLUDE columns (reports.CustomerMonth's covering index);
# the index still serves there, and PostgreSQL, where the size matters, takes them.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kontaktdichte.views.locked_out"
AXES_VERBOSE = False  # its log lines name the user and address: our logs carry ids only

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, with far-future caching of hashed names, where collectstatic ran (make serve).
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}

# Background tasks (Django's tasks framework, the django-tasks backport): "database" queues them
# for `manage.py db_worker` (production, `make serve`); "immediate" runs them at once, inside the
# request or command that enqueues them (the default: tests, `make run`).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions end after SESSION_IDLE_MINUTES without a request and when the browser closes.
# `kontaktdichte.middleware.sliding_session` moves the end on as the person works.
# Django's database sessions, read with one plain statement (kontaktdichte/sessions.py).
SESSION_ENGINE = "kontaktdichte.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True

# Behind HTTPS (secure cookies): browsers keep to HTTPS for a year, plain HTTP is redirected.
# Behind a proxy that ends TLS, set TRUSTED_PROXY_SSL_HEADER=true so its X-Forwarded-Proto counts.
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("TRUSTED_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere: scripts, styles, images and forms only from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kontaktdichte@localhost")

# "Auswirkungen prüfen" in the rule-set admin runs the engine over the job centre's open cases in
# the request up to this many; above it the page names `manage.py preview_rule_change`.
RULE_PREVIEW_LIMIT = env.int("RULE_PREVIEW_LIMIT", default=50_000)

# Closed cases are deleted, with their history, this many months after they were closed
# (`manage.py apply_retention`, nightly). Set it to the job centre's retention rules.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=60)

# Log lines carry no personal data: no customer names, numbers or free text, only ids and counts.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
