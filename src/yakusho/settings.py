"""Settings for yakusho.

Every value a deployment may change is read here, from the environment, through `env()`.
Nothing else in the code base reads `os.environ` for configuration. The README's
configuration table lists every variable.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: object = None, *, cast: type | str = str) -> object:
    """Read one setting from the environment.

    `cast` is `str`, `bool`, `int` or `"list"` (comma-separated). A value that cannot be
    read raises ImproperlyConfigured naming the variable, so the command line can print one
    clear line instead of a traceback.
    """
    raw = os.environ.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if cast is bool:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")
    if cast is int:
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if cast == "list":
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _data_dir() -> Path:
    # The test suite keeps its secret key and files out of ./var unless told otherwise.
    default = tempfile.mkdtemp(prefix="yakusho-test-") if TESTING else "var"
    path = Path(str(env("YAKUSHO_DATA_DIR", default))).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        # A file of its own: the web server and the worker start together and check at once.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ImproperlyConfigured(
            f"The data folder {path} is not writable ({exc.strerror}). "
            "Set YAKUSHO_DATA_DIR to a folder this user can write."
        ) from None
    return path


def _secret_key(data_dir: Path) -> str:
    """The key from YAKUSHO_SECRET_KEY, else from the data folder, generated on first run."""
    configured = env("YAKUSHO_SECRET_KEY")
    if configured:
        return str(configured)
    key_file = data_dir / "secret_key"
    try:
        # O_EXCL: two processes starting at once must not write two different keys.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


TESTING = "pytest" in sys.modules
DATA_DIR = _data_dir()
SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = bool(env("YAKUSHO_DEBUG", False, cast=bool))
# The demo city: demo plugins, demo accounts and a visible 「デモ環境」 marker on every page.
DEMO = bool(env("YAKUSHO_DEMO", False, cast=bool))
# Behind TLS (directly or through a proxy). Off for the local demo and the test suite, which
# serve plain HTTP on loopback.
HTTPS = bool(env("YAKUSHO_HTTPS", not (DEBUG or DEMO or TESTING), cast=bool))
# Which URL sets this node serves (all, portal or office): the residents' side can face the
# internet while the office stays on the closed network.
ROLE = str(env("YAKUSHO_ROLE", "all"))
if ROLE not in {"all", "portal", "office"}:
    raise ImproperlyConfigured(f"YAKUSHO_ROLE must be all, portal or office, not {ROLE!r}.")

_local_hosts = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env("YAKUSHO_ALLOWED_HOSTS", _local_hosts if DEBUG or DEMO else [], cast="list")
CSRF_TRUSTED_ORIGINS = env("YAKUSHO_CSRF_TRUSTED_ORIGINS", [], cast="list")
# The site's address as residents reach it, for links in e-mails and PDFs.
SITE_URL = str(
    env(
        "YAKUSHO_SITE_URL",
        "https://" + ALLOWED_HOSTS[0]
        if ALLOWED_HOSTS and not (DEBUG or DEMO)
        else "http://127.0.0.1:8000",
    )
).rstrip("/")
CSRF_FAILURE_VIEW = "yakusho.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    # yakusho's apps come before allauth's so that their templates override allauth's.
    "yakusho.core",
    "yakusho.accounts",
    "yakusho.residents",
    "yakusho.procedures",
    "yakusho.cases",
    "yakusho.payments",
    "yakusho.plan",
    "yakusho.portal",
    "yakusho.office",
    "yakusho.demo",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yakusho.core.middleware.ContentSecurityPolicyMiddleware",
    "yakusho.core.middleware.DatabaseUnavailableMiddleware",
    "yakusho.core.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yakusho.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yakusho.core.middleware.PreferencesMiddleware",
    "yakusho.core.middleware.FuriganaMiddleware",
]

ROOT_URLCONF = "yakusho.urls"
# Widgets render through the project's templates, so components/widgets/ can hold our own;
# the plain ones are written out in Python, as Django's templates would (core/form_renderer.py).
FORM_RENDERER = "yakusho.core.form_renderer.FormRenderer"
WSGI_APPLICATION = "yakusho.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}` remembering links, and Django's i18n library with `{% translate %}`
            # keeping its fixed texts per language, in every template without a `{% load %}`
            # (ADR 0010).
            "builtins": [
                "yakusho.core.templatetags.cached_url",
                "yakusho.core.templatetags.kept_i18n",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yakusho.core.context_processors.site",
                "yakusho.accounts.context_processors.layout",
                "yakusho.office.context_processors.menu",
                "yakusho.demo.context_processors.demo",
            ],
        },
    }
]

# --- Accounts and identity -------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yakusho.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "yakusho.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "yakusho.accounts.passwords.NumericPasswordValidator"},
    {"NAME": "yakusho.accounts.passwords.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "yakusho.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "yakusho.accounts.forms.ResidentLoginForm",
    "signup": "yakusho.accounts.forms.SignupForm",
    "reset_password": "yakusho.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "yakusho.accounts.forms.ResetPasswordKeyForm",
    "change_password": "yakusho.accounts.forms.ChangePasswordForm",
    "change_email": "yakusho.accounts.forms.ChangeEmailForm",
    "reauthenticate": "yakusho.accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/15m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "login": "30/m/ip",
}
MFA_ADAPTER = "yakusho.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "yakusho.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "yakusho.accounts.forms.MFAAuthenticateForm",
    "activate_totp": "yakusho.accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "yakusho.accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "yakusho.accounts.forms.GenerateRecoveryCodesForm",
    "add_webauthn": "yakusho.accounts.forms.AddWebAuthnForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = str(env("YAKUSHO_MFA_ISSUER", "yakusho"))
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
MFA_TRUST_ENABLED = False
# Staff sessions end after this much inactivity, and in any case after the absolute lifetime.
STAFF_IDLE_MINUTES = int(env("YAKUSHO_STAFF_IDLE_MINUTES", 30, cast=int))
STAFF_SESSION_HOURS = int(env("YAKUSHO_STAFF_SESSION_HOURS", 10, cast=int))
SESSION_COOKIE_AGE = int(env("YAKUSHO_SESSION_DAYS", 14, cast=int)) * 24 * 3600
SESSION_ENGINE = "yakusho.core.sessions"
# Identity providers offered to residents. counter-code (書かない窓口) is always available.
IDENTITY_PROVIDERS = env(
    "YAKUSHO_IDENTITY_PROVIDERS",
    ["demo", "digital-auth-app"] if DEMO or TESTING else ["digital-auth-app"],
    cast="list",
)
DIGITAL_AUTH_APP = {
    key: str(env(f"YAKUSHO_DAA_{key.upper()}", ""))
    for key in (
        "issuer",
        "client_id",
        "client_secret",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    )
}

# Staff single sign-on with the city's directory (OpenID Connect); off unless configured.
STAFF_SSO = {
    key: str(env(f"YAKUSHO_STAFF_OIDC_{key.upper()}", ""))
    for key in (
        "issuer",
        "client_id",
        "client_secret",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    )
}
# Whether the directory's own second factor (its `amr` claim) counts as the office's.
STAFF_SSO_TRUST_MFA = bool(env("YAKUSHO_STAFF_OIDC_TRUST_MFA", False, cast=bool))
# The core system's bearer token for POST /api/v1/registry/records, stored only as its SHA-256
# hex digest (docs/registry-import.md). Empty: the endpoint refuses every request.
REGISTRY_TOKEN_SHA256 = str(env("YAKUSHO_REGISTRY_TOKEN_SHA256", ""))

# --- Payments -------------------------------------------------------------------------------
# The demo provider works offline; Stripe needs its keys. The accounting department (会計課)
# reconciles and exports for every department.
STRIPE_SECRET_KEY = str(env("YAKUSHO_STRIPE_SECRET_KEY", ""))
STRIPE_WEBHOOK_SECRET = str(env("YAKUSHO_STRIPE_WEBHOOK_SECRET", ""))
PAYMENTS_ACCOUNTING_DEPARTMENT = str(env("YAKUSHO_PAYMENTS_ACCOUNTING_DEPARTMENT", "kaikei"))

# --- Procedures ---------------------------------------------------------------------------

# ClamAV for uploads: unix:///run/clamav/clamd.ctl or tcp://host:3310; empty: no scanning.
CLAMD_ADDRESS = str(env("YAKUSHO_CLAMD", ""))
# A whole request (a step with its files) may not exceed this; each field has its own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_REQUEST_MB = int(env("YAKUSHO_MAX_REQUEST_MB", 60, cast=int))
# Drafts: residents get a reminder this many days before a draft expires.
DRAFT_REMINDER_DAYS = int(env("YAKUSHO_DRAFT_REMINDER_DAYS", 3, cast=int))

# --- Issued documents -----------------------------------------------------------------------

# The city's signing certificate (PEM files). Empty: one is made in the data folder.
SIGNING = {
    "key": str(env("YAKUSHO_SIGNING_KEY", "")),
    "cert": str(env("YAKUSHO_SIGNING_CERT", "")),
    "chain": env("YAKUSHO_SIGNING_CHAIN", [], cast="list"),
}
SIGNING_ORGANISATION = str(env("YAKUSHO_SIGNING_ORGANISATION", "Hadano City"))

# --- Database -------------------------------------------------------------------------------

_default_db_url = f"sqlite:///{DATA_DIR / 'yakusho.sqlite3'}"
_db_url = str(env("DATABASE_URL", _default_db_url))
_DB_URL_HELP = "use sqlite:///path/to/file or postgres://user:password@host:port/name"
try:
    _db = dj_database_url.parse(
        _db_url, conn_max_age=int(env("YAKUSHO_DB_CONN_MAX_AGE", 60, cast=int))
    )
except ValueError:
    _db = {"ENGINE": _db_url.split(":", 1)[0] or "(none)"}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite, with write transactions queueing for their turn (core/sqlite/base.py).
    _db["ENGINE"] = "yakusho.core.sqlite"
    _db["OPTIONS"] = {
        # Writers queue instead of failing, and take the write lock when they begin, so two
        # transactions never deadlock upgrading a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-20000; PRAGMA temp_store=MEMORY;"
        ),
    }
    _db["CONN_MAX_AGE"] = None if not TESTING else 0
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL, with the connection check polling the socket (core/postgresql).
    _db["ENGINE"] = "yakusho.core.postgresql"
    _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
    _db["CONN_HEALTH_CHECKS"] = True
    if env("YAKUSHO_DB_PREPARED_STATEMENTS", True, cast=bool):
        # Values bound by the server, and a statement a connection runs again and again planned
        # once instead of every time (planning cost more than running the session's, the
        # draft's and the user's look-ups; docs/performance.md). Off behind a pooler that
        # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        _db["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
else:
    _kind = _db["ENGINE"].rsplit(".", 1)[-1]
    raise ImproperlyConfigured(
        f"DATABASE_URL points at an unsupported database ({_kind}); {_DB_URL_HELP}."
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks ----------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "yakusho.core.task_backend.DatabaseBackend",
        "QUEUES": [],
    }
}
# A worker that has not written its heartbeat for this long is considered gone: /readyz
# reports it and its claimed tasks are handed to another worker.
WORKER_HEARTBEAT_SECONDS = 10
WORKER_STALE_SECONDS = int(env("YAKUSHO_WORKER_STALE_SECONDS", 60, cast=int))

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "ja"
# Each language is named in itself. Japanese is the source language of every string;
# やさしい日本語 is a language of its own (a private-use tag, as no standard one exists).
LANGUAGES = [
    ("ja", "日本語"),
    ("ja-x-easy", "やさしい にほんご"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("es", "Español"),
    ("pt-br", "Português"),
    ("tl", "Tagalog"),
    ("vi", "Tiếng Việt"),
    ("th", "ไทย"),
    ("ne", "नेपाली"),
    ("id", "Bahasa Indonesia"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Offices close from 12/29 to 1/3 in most Japanese cities; a city may set its own range.
YEAR_END_CLOSURE = str(env("YAKUSHO_YEAR_END_CLOSURE", "12-29..01-03"))

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
_serve_from_source = DEBUG or DEMO or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _serve_from_source
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = _serve_from_source
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and bool(env("YAKUSHO_SSL_REDIRECT", True, cast=bool))
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and bool(env("YAKUSHO_HSTS_PRELOAD", True, cast=bool))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many reverse proxies sit in front of yakusho; their X-Forwarded-For entries are trusted.
TRUSTED_PROXIES = int(env("YAKUSHO_TRUSTED_PROXIES", 0, cast=int))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
if env("YAKUSHO_TRUST_X_FORWARDED_PROTO", False, cast=bool):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes come from the load balancer over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = str(
    env(
        "YAKUSHO_EMAIL_BACKEND",
        "django.core.mail.backends.filebased.EmailBackend"
        if DEMO or DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = str(env("YAKUSHO_EMAIL_HOST", "localhost"))
EMAIL_PORT = int(env("YAKUSHO_EMAIL_PORT", 25, cast=int))
EMAIL_HOST_USER = str(env("YAKUSHO_EMAIL_USER", ""))
EMAIL_HOST_PASSWORD = str(env("YAKUSHO_EMAIL_PASSWORD", ""))
EMAIL_USE_TLS = bool(env("YAKUSHO_EMAIL_TLS", False, cast=bool))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = str(env("YAKUSHO_EMAIL_FROM", "no-reply@yakusho.localhost"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": str(env("YAKUSHO_LOG_LEVEL", "INFO"))},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # The demo prints its own summary; worker start/stop lines would only clutter it.
        "yakusho.worker": {"level": "WARNING" if DEMO else "INFO"},
    },
}
