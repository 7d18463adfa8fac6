"""Settings for NKHR Records, read from the environment (and a git-ignored `.env`).

`DATABASE_URL` selects the database: an SQLite file inside the project by default,
PostgreSQL in production (`postgres://user@host:5432/name`). `DEBUG` is off unless set,
and with `DEBUG` off the process refuses to start without a `SECRET_KEY`.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from nkhr.registry import EnumNames

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The checkout's `.env` (what `make run` writes), or another file named by `ENV_FILE`; an
# empty `ENV_FILE` reads none, so that only the environment counts (a service, a test).
_env_file = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file:
    environ.Env.read_env(_env_file, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(`make run` writes a random one to .env on first start)."
        )
    SECRET_KEY = "insecure-debug-only-key"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "nkhr",
    "mechanisms",
    "sanctions",
    "grants",
    "explorer",  # the public website at /
    "seeding",  # manage.py seed_synthetic, for the benchmarks
]

MIDDLEWARE = [
    "nkhr.health.HealthCheckMiddleware",  # /healthz, /readyz: before host checks and redirects
    "django.middleware.security.SecurityMiddleware",
    "nkhr.security.ContentSecurityPolicyMiddleware",
    "nkhr.security.RefuseNulMiddleware",
    # Before the session: a read's preflight is answered without one (nkhr/cors.py).
    "nkhr.cors.PublicReadCorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "nkhr.history.ChannelMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nkhr.urls"
# The public website served at `/` (explorer/): its URLconf, or "" to send `/` to the admin.
PUBLIC_SITE_URLCONF = "explorer.urls"
WSGI_APPLICATION = "nkhr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nkhr" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a small team (docs/operations.md, "Concurrent use"): readers never wait for
    # a writer (WAL); a transaction takes the write lock when it begins (IMMEDIATE), never
    # half-way through, where SQLite could only give up; and a writer waits its turn for up
    # to SQLITE_TIMEOUT seconds instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.float("SQLITE_TIMEOUT", default=20.0),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The login throttle checks every login before the password is compared (nkhr.security).
AUTHENTICATION_BACKENDS = [
    "nkhr.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# whitenoise serves the static files from the WSGI process: what `collectstatic` gathered
# into STATIC_ROOT, with gzip copies made there. STATIC_FROM_APPS=true (DEBUG, `make run`,
# the tests) serves them from the apps' folders instead, looked up on each request, so no
# collectstatic is needed and edits show at once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_FROM_APPS = env.bool("STATIC_FROM_APPS", default=DEBUG)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = STATIC_FROM_APPS

# Reverse proxies in front of the app that append the client's address to X-Forwarded-For
# (1 behind the documented nginx). Login throttles and API rate limits count per address
# with it; 0 counts REMOTE_ADDR, and the header (which a client can write) is ignored.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Reads are public unless API_PUBLIC_READ=false; writes need the model's Django permission.
API_PUBLIC_READ = env.bool("API_PUBLIC_READ", default=True)
# Web pages anywhere may read the API's public GETs (`Access-Control-Allow-Origin: *`, never
# with credentials; nkhr/cors.py) unless API_CORS=false.
API_CORS = env.bool("API_CORS", default=True)


def throttle_rate(name: str, default: str) -> str | None:
    """A rate such as `120/minute` (DRF's form), or None (no limit) for `off`."""
    value = env.str(name, default=default).strip()
    return None if value.lower() in {"", "off", "none"} else value


# Requests per client per period, counted in CACHES (docs/operations.md, "Throttles").
API_THROTTLE_RATES = {
    "anon": throttle_rate("API_THROTTLE_ANON", "120/minute"),
    "user": throttle_rate("API_THROTTLE_USER", "1200/minute"),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # keeps CSRF checks
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
        if API_PUBLIC_READ
        else "rest_framework.permissions.DjangoModelPermissions"
    ],
    "DEFAULT_PARSER_CLASSES": [
        "nkhr.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "nkhr.api.throttling.AnonRateThrottle",
        "nkhr.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "DEFAULT_RENDERER_CLASSES": [
        "nkhr.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "nkhr.api.renderers.CSVRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "nkhr.api.negotiation.StrictFormatNegotiation",
    "DEFAULT_PAGINATION_CLASS": "nkhr.api.pagination.RecordPagination",
    "DEFAULT_SCHEMA_CLASS": "nkhr.api.schema.RecordAutoSchema",
    "EXCEPTION_HANDLER": "nkhr.api.exceptions.api_exception_handler",
    "ORDERING_PARAM": "ordering",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NKHR Records API",
    "DESCRIPTION": (
        "What the international community does about human rights in North Korea: actors, "
        "instruments, legislation, mechanisms, reports, sanctions, funding, events and "
        "recommendations, each with its citations. Records are keyed by stable public ids."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # drf-spectacular's own hook first; then 429/413 on every operation, and links from a
    # record's create and read answers to its other routes (nkhr.api.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nkhr.api.schema.add_limits_and_links",
    ],
    # The docs page's assets are served from this installation, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable names of choice sets: each record type names its own (`enums` in
    # nkhr/registry.py, read when the schema is first made); choice sets of no type here.
    "ENUM_NAME_OVERRIDES": EnumNames({"CountryEnum": "nkhr.api.schema.COUNTRY_CHOICES"}),
}

# Bulk import and export in the admin (nkhr/imports.py): an import is a dry run first, and a
# confirmed one is applied in one transaction, all rows or none. Importing needs the model's
# add permission, exporting its view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Limits of a file on the import page (nkhr/import_limits.py; docs/operations.md, "Bulk
# imports: limits"): its size, its rows, what an XLSX workbook may unpack to. Bigger files
# go through `manage.py import_records`. The page lists the first IMPORT_PAGE_ROWS errors
# (all of them in a report to download) and previews as many rows.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
IMPORT_PAGE_ROWS = env.int("IMPORT_PAGE_ROWS", default=100)
# Cells a spreadsheet would run as a formula are quoted by the project's CSV and XLSX
# formats (nkhr/spreadsheets.py), which the import reads back: django-import-export's own
# escaping drops the "=" and cannot be undone, so it stays off. Control characters, which
# XLSX cannot hold at all, become U+FFFD there rather than failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Bulk dumps (nkhr/dumps.py, docs/dumps.md): where `manage.py build_dumps` writes its builds
# (git-ignored var/dumps/ by default), how many it keeps, the site the records' links in them
# point at, and how hard it compresses (gzip 1-9: 1 is several times faster, a little bigger).
DUMPS_DIR = env.path("DUMPS_DIR", default=BASE_DIR / "var" / "dumps")
DUMPS_KEEP = env.int("DUMPS_KEEP", default=3)
DUMPS_SITE_URL = env.str("DUMPS_SITE_URL", default="http://localhost:8000")
DUMPS_GZIP_LEVEL = env.int("DUMPS_GZIP_LEVEL", default=6)
# On PostgreSQL the database builds the lines of the resources it can (nkhr/dumps_sql.py);
# false makes Python read every resource, as on SQLite.
DUMPS_SQL = env.bool("DUMPS_SQL", default=True)

# The cache holds the API's throttle counts: per process by default; give the workers of a
# deployment one they share (docs/deploy.md: a file cache), or each counts on its own.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Login throttle (django-axes, nkhr/security.py): after LOGIN_FAILURE_LIMIT failed logins
# for one user name, or from one address, logins by that name or from there are refused
# for LOGIN_COOLOFF_MINUTES, even with the right password; a success clears the count.
AXES_ENABLED = env.bool("LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "nkhr.security.client_address"
AXES_LOCKOUT_CALLABLE = "nkhr.security.locked_out"
# Locks are lifted with `manage.py axes_reset_username NAME` or `axes_reset_ip ADDRESS`;
# the admin index stays the project's own.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts, styles, images and connections from this
# site only, no plugins, no framing, forms posted here only. The admin, the API's browsable
# pages (which may also set styles inline: nkhr.security) and its Swagger docs run under it
# (tests/browser/test_security_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The European Union is a sanctioning jurisdiction in its own right (as in FollowTheMoney).
COUNTRIES_OVERRIDE = {"EU": _("European Union")}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Behind an HTTPS proxy (docs/deploy.md): all of these on, and the header the proxy sets
    # to tell Django the request came over HTTPS (SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto).
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
        # Only safe when the proxy sets (or strips) this header on every request.
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + proxy_ssl_header.upper().replace("-", "_"),
            "https",
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # stdout, one line per record, for the service manager or container runtime to collect.
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
