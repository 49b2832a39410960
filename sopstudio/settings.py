"""SOP Studio settings, driven entirely by environment variables (see README: Configuration)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from sopstudio.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# DEBUG is off unless asked for; `make run` asks for it, production never does.
DEBUG = env_bool("DJANGO_DEBUG", False)
# The test suite runs production settings over plain HTTP on loopback.
TESTING = env_bool("SOPSTUDIO_TESTING", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-make-run-and-tests-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    [f"http://{host}:8000" for host in ALLOWED_HOSTS if host != "*"],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our own static files
    "channels",
    "django_vite",
    "apps.common",
    "apps.accounts",
    "apps.audit",
    "apps.diagrams",
    "apps.collab",
    "apps.exports",
    "apps.assistant",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.common.middleware.ContentSecurityPolicyMiddleware",
    "apps.common.middleware.QueryStringMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.common.middleware.BodyTooLargeMiddleware",
    # Last, as axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sopstudio.urls"
ASGI_APPLICATION = "sopstudio.asgi.application"
WSGI_APPLICATION = "sopstudio.wsgi.application"

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
            ],
        },
    },
]

# SQLite is only the zero-setup default of `make run`; everything else uses DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # PubSub layer: no per-channel capacity, so a burst is never silently dropped.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("CHANNEL_PREFIX", "sopstudio")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CHANNEL_PREFIX", "sopstudio"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The sign-in throttle (django-axes) checks every authenticate() call before the password does.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of uvicorn that append to X-Forwarded-For. 0: the socket peer is the client
# and the header is ignored (uvicorn runs with --no-proxy-headers, so it never rewrites it).
SOPSTUDIO_TRUSTED_PROXIES = env_int("SOPSTUDIO_TRUSTED_PROXIES", 0)
# Sign-in throttle (apps/accounts/throttling.py): an address is locked after this many failed
# sign-ins within the cool-off, a username after this many from all addresses together, each
# address counting for at most its own limit, so one address never locks anyone else out.
AXES_FAILURE_LIMIT = env_int("SOPSTUDIO_SIGNIN_ADDRESS_LIMIT", 10)
SOPSTUDIO_SIGNIN_USERNAME_LIMIT = env_int("SOPSTUDIO_SIGNIN_USERNAME_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SOPSTUDIO_SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_HANDLER = "apps.accounts.throttling.SignInAttemptHandler"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttling.lockout_response"
# Tries while locked are not counted (the lock ends a cool-off after the last counted failure),
# and a success does not reset the count (else a guesser would reset it with an own account).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

DJANGO_VITE = {
    "default": {
        "dev_mode": env_bool("VITE_DEV_MODE", False),
        "manifest_path": BASE_DIR / "static" / "app" / "manifest.json",
        "static_url_prefix": "app",
    }
}

# Request limits: a body over this size is refused with 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SOPSTUDIO_MAX_BODY_BYTES", 5 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, and only what we can store: bounded nesting, finite numbers, no NUL (parsers.py).
    "DEFAULT_PARSER_CLASSES": ["apps.common.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.common.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "NUM_PROXIES": SOPSTUDIO_TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "apps.common.openapi.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "apps.common.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SOP Studio API",
    "DESCRIPTION": "Collaborative SOP diagrams for AI inference workflows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Our own static copies: the CSP allows scripts from 'self' only, and closed networks
    # cannot reach a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.common.openapi.add_sop_diagram_components",
    ],
    # Export and import both have a `format` field, with different choices.
    "ENUM_NAME_OVERRIDES": {
        "ExportFormatEnum": "apps.exports.models.ExportFormat",
        "ImportFormatEnum": "apps.exports.models.ImportFormat",
    },
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis (plain `make run`) jobs run inline; with it a real worker takes them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "sopstudio")
CELERY_BEAT_SCHEDULE = {
    "compact-diagrams": {"task": "apps.diagrams.tasks.diagrams_compact_all", "schedule": 300.0},
}

# The live document and its limits, shared by the REST API and the websocket.
SOPSTUDIO_MAX_NODES = env_int("SOPSTUDIO_MAX_NODES", 2000)
SOPSTUDIO_MAX_EDGES = env_int("SOPSTUDIO_MAX_EDGES", 6000)
SOPSTUDIO_COMPACT_AFTER = env_int("SOPSTUDIO_COMPACT_AFTER", 500)

# The collaboration socket (/ws/diagrams/{id}): going over a size closes it with 1009, over the
# message rate with 1008. The frame limit must stay below uvicorn's --ws-max-size (16 MiB).
SOPSTUDIO_WS_MAX_FRAME_BYTES = env_int("SOPSTUDIO_WS_MAX_FRAME_BYTES", 4 * 1024 * 1024)
SOPSTUDIO_WS_MAX_UPDATE_BYTES = env_int("SOPSTUDIO_WS_MAX_UPDATE_BYTES", 2 * 1024 * 1024)
SOPSTUDIO_WS_MAX_AWARENESS_BYTES = env_int("SOPSTUDIO_WS_MAX_AWARENESS_BYTES", 64 * 1024)
SOPSTUDIO_WS_MAX_DOCUMENT_BYTES = env_int("SOPSTUDIO_WS_MAX_DOCUMENT_BYTES", 8 * 1024 * 1024)
SOPSTUDIO_WS_MESSAGES_PER_SECOND = env_int("SOPSTUDIO_WS_MESSAGES_PER_SECOND", 200)
SOPSTUDIO_WS_MESSAGE_BURST = env_int("SOPSTUDIO_WS_MESSAGE_BURST", 400)
SOPSTUDIO_WS_OUTBOX_FRAMES = env_int("SOPSTUDIO_WS_OUTBOX_FRAMES", 2000)
SOPSTUDIO_WS_HEAL_MS = env_int("SOPSTUDIO_WS_HEAL_MS", 10000)
SOPSTUDIO_WS_SUMMARY_MS = env_int("SOPSTUDIO_WS_SUMMARY_MS", 5000)

# Security: production defaults; `make run` (DEBUG) relaxes only what plain HTTP needs.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not (DEBUG or TESTING))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not (DEBUG or TESTING))
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "apps.common.logging.JsonLogFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_bool("LOG_JSON", not DEBUG) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
WHITENOISE_USE_FINDERS = True  # serve static/ (incl. the built editor) without collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
