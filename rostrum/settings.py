"""Settings for Rostrum.

One file, driven by environment variables. With none set, Rostrum runs on its embedded default:
SQLite, the in-process channel layer, Huey on SQLite, local files, e-mail into a local outbox.
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis (channel layer, task queue, cache).
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROSTRUM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use ROSTRUM_SECRET_KEY, or one generated once and kept in the var folder."""
    if os.environ.get("ROSTRUM_SECRET_KEY"):
        return os.environ["ROSTRUM_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ROSTRUM_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("ROSTRUM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ROSTRUM_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("ROSTRUM_SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "channels",
    "huey.contrib.djhuey",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rostrum.core",
    "rostrum.accounts",
    "rostrum.billing",
    "rostrum.privacy",
    "rostrum.notifications",
    "rostrum.rooms",
    "rostrum.library",
    "rostrum.registration",
    "rostrum.contacts",
    "rostrum.engagement",
    "rostrum.videoshare",
    "rostrum.whiteboard",
    "rostrum.reports",
    "rostrum.live",
    "rostrum.media",
    "rostrum.recordings",
    "rest_framework",
    "drf_spectacular",
    "rostrum.api",
    "rostrum.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rostrum.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rostrum.accounts.middleware.CurrentAccountMiddleware",
]

ROOT_URLCONF = "rostrum.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rostrum" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rostrum.accounts.context_processors.current_account",
            ],
        },
    },
]
WSGI_APPLICATION = "rostrum.wsgi.application"
ASGI_APPLICATION = "rostrum.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rostrum.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the task worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

# Janus media nodes the app controls (their WebSocket API, on loopback or a private network), and
# the API secret they share with it. scripts/run starts the first one itself (manage.py run_janus).
MEDIA_NODES = [u.strip() for u in os.environ.get("ROSTRUM_JANUS_URLS", "ws://127.0.0.1:8188").split(",") if u.strip()]
# Subscriber connections one node serves before a session's further subscribers go to an edge room
# on another node (rostrum.media.placement). 150 ≈ 0.8-1.5 cores of Janus at the measured 0.55-1 %
# of a core per 2 Mbit/s subscriber, and ≈ 300 Mbit/s out: size it to the nodes' CPU and network.
MEDIA_NODE_CAPACITY = int(os.environ.get("ROSTRUM_JANUS_NODE_CAPACITY", "150"))
JANUS_API_SECRET = (
    os.environ.get("ROSTRUM_JANUS_API_SECRET")
    or hmac.new(SECRET_KEY.encode(), b"rostrum janus api secret", hashlib.sha256).hexdigest()
)
if REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "rostrum", "url": REDIS_URL, "immediate": False}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "rostrum",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

SITE_ID = 1
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "rostrum.accounts.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "rostrum.accounts.adapter.RostrumAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rostrum] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed logins: 10 a minute per address, 5 per 5 minutes per e-mail (allauth enforces these).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rostrum"

EMAIL_BACKEND = os.environ.get("ROSTRUM_EMAIL_BACKEND", "rostrum.notifications.backends.OutboxEmailBackend")
EMAIL_HOST = os.environ.get("ROSTRUM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ROSTRUM_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ROSTRUM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ROSTRUM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ROSTRUM_EMAIL_TLS") == "starttls"
EMAIL_USE_SSL = os.environ.get("ROSTRUM_EMAIL_TLS") == "ssl"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("ROSTRUM_FROM_EMAIL", "Rostrum <no-reply@localhost>")
OUTBOX_DIR = VAR_DIR / "outbox"

# Outgoing webhooks (docs/webhooks.md): private, loopback and link-local addresses are refused, except
# in these networks (CIDRs, comma-separated), e.g. "10.20.0.0/16" for an integration on the LAN.
WEBHOOK_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("ROSTRUM_WEBHOOK_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
WEBHOOK_TIMEOUT = 10  # seconds to connect, and to wait for each read of the answer

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("pl", _("Polish")),
    ("de", _("German")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("pt-br", _("Brazilian Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FORMAT_MODULE_PATH = ["rostrum.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from here once collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "rostrum" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_ROOT = VAR_DIR / "private"  # rostrum.core.storage: files no URL serves
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Files only ever served through a view that checks access (imports, reports): never under /media/.
    "private": {"BACKEND": "rostrum.core.storage.PrivateFileSystemStorage"},
}
# S3-compatible object storage instead of folders, when a bucket is named (docs/running.md#object-storage):
# uploads and recordings under ``media/``, files only views serve under ``private/`` (never a public URL).
S3_BUCKET = os.environ.get("ROSTRUM_S3_BUCKET", "")
if S3_BUCKET:
    s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("ROSTRUM_S3_ENDPOINT_URL") or None,  # None: AWS itself
        "region_name": os.environ.get("ROSTRUM_S3_REGION") or None,
        "access_key": os.environ.get("ROSTRUM_S3_ACCESS_KEY_ID") or None,  # None: boto3's own lookup
        "secret_key": os.environ.get("ROSTRUM_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,  # the bucket's policy decides; objects are never made public one by one
        "file_overwrite": False,  # a name already taken gets a suffix, as on a folder
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3_options, "location": "media"}}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**s3_options, "location": "private", "querystring_auth": True, "querystring_expire": 300},
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads are spooled to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # counts form fields only, never file parts: no cap on uploads
# The most one file in the file library may be (rostrum.library); the plan's storage quota applies too.
LIBRARY_MAX_FILE_BYTES = int(os.environ.get("ROSTRUM_LIBRARY_MAX_FILE_BYTES", str(500 * 1024 * 1024)))
# Files in chat (rostrum.engagement.actions.chat_files): the most one file may be, and all of a session's.
CHAT_FILE_MAX_BYTES = int(os.environ.get("ROSTRUM_CHAT_FILE_MAX_BYTES", str(10 * 1024 * 1024)))
CHAT_FILES_SESSION_MAX_BYTES = int(os.environ.get("ROSTRUM_CHAT_FILES_SESSION_MAX_BYTES", str(200 * 1024 * 1024)))
# Recordings (docs/recordings.md): where Janus writes .mjr files (a folder the media node writes and
# the task workers read), and whether to keep them after the MP4 is made.
RECORDINGS_SPOOL_DIR = Path(os.environ.get("ROSTRUM_RECORDINGS_SPOOL_DIR", VAR_DIR / "recordings-spool"))
RECORDINGS_KEEP_SOURCES = os.environ.get("ROSTRUM_RECORDINGS_KEEP_SOURCES") == "1"
# Conversions (rostrum.library.conversion, sandbox.py; docs/library.md): the limits each file gets.
LIBRARY_CONVERSION_SECONDS = int(os.environ.get("ROSTRUM_LIBRARY_CONVERSION_SECONDS", "60"))  # documents, whole file
# Video: 3 h, since 1080p converts at 0.69x real time on 2 CPUs and a 500 MB upload may run over an hour.
LIBRARY_VIDEO_CONVERSION_SECONDS = int(os.environ.get("ROSTRUM_LIBRARY_VIDEO_CONVERSION_SECONDS", "10800"))
LIBRARY_CONVERSION_MEMORY_BYTES = int(os.environ.get("ROSTRUM_LIBRARY_CONVERSION_MEMORY_BYTES", str(1536 * 1024**2)))
LIBRARY_CONVERSION_OUTPUT_BYTES = int(os.environ.get("ROSTRUM_LIBRARY_CONVERSION_OUTPUT_BYTES", str(2 * 1024**3)))
LIBRARY_CONVERSION_MAX_PAGES = int(os.environ.get("ROSTRUM_LIBRARY_CONVERSION_MAX_PAGES", "300"))
LIBRARY_PAGE_WIDTH = 1600  # pixels: slides are shown at up to this width
LIBRARY_PAGE_MAX_PIXELS = 1600 * 1600 * 4  # a page taller than 4 times its width at 1600 px is refused
LIBRARY_ZIP_MAX_UNCOMPRESSED_BYTES = 200 * 1024**2  # OOXML/ODF, from the ZIP directory, before LibreOffice
LIBRARY_ZIP_MAX_RATIO = 100
LIBRARY_CONVERSION_TMP_DIR = os.environ.get("ROSTRUM_LIBRARY_CONVERSION_TMP_DIR", "")  # "" = the system's
# Development only: convert even when no network namespace can be made (never on a server).
LIBRARY_CONVERSION_ALLOW_UNSANDBOXED = os.environ.get("ROSTRUM_LIBRARY_CONVERSION_ALLOW_UNSANDBOXED") == "1"
LIBRARY_CONVERSION_TOOLS = {"soffice": "soffice", "pdfinfo": "pdfinfo", "pdftoppm": "pdftoppm"}
LIBRARY_CONVERSION_TOOLS |= {"ffmpeg": "ffmpeg", "ffprobe": "ffprobe"}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
RATELIMIT_VIEW = "rostrum.core.views.rate_limited"
if os.environ.get("ROSTRUM_HTTPS") == "1":
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Behind a proxy, uvicorn's --proxy-headers (on by default for 127.0.0.1) puts the client's address in
# REMOTE_ADDR, which rate limits and audit entries read: no header is trusted here.

# REST API v1 (rostrum.api): DRF serves only the API, so these are the API's settings.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rostrum.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rostrum.api.authentication.HasApiKey"],
    "DEFAULT_PARSER_CLASSES": ["rostrum.api.params.ClickMeetingParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "rostrum.api.negotiation.JsonOnlyNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["rostrum.api.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "rostrum.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "rostrum.api.schema.RostrumAutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rostrum API v1",
    "DESCRIPTION": "ClickMeeting-compatible REST API. See /developers/api/ and docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PREPROCESSING_HOOKS": ["rostrum.api.schema.strip_url_suffix"],
    "COMPONENT_SPLIT_REQUEST": True,
}
ROSTRUM_API_RATE = os.environ.get("ROSTRUM_API_RATE", "300/min")  # requests per API key

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ROSTRUM_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
