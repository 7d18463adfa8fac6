"""gunicorn settings for serving NKHR Records (`make serve`, docs/deploy.md).

    gunicorn --config nkhr/gunicorn.conf.py nkhr.wsgi

* Workers: `WEB_CONCURRENCY`, by default 2 x cores + 1 (the cores this process may use), at
  most 8: sync workers each hold one request and one database connection, so more than that
  mostly adds connections and memory.
* Bind: `PORT` on all interfaces (default 8000); `make serve` binds HOST:PORT instead.
* Timeout: 120 s, since a full export streams for about a minute at a million records.
* Logs: access and error lines on stdout, as Django's own (settings.LOGGING).
Anything here can be overridden on the command line or in `GUNICORN_CMD_ARGS`.
"""

import os

DEFAULT_MAX_WORKERS = 8


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    return min(2 * usable_cores() + 1, DEFAULT_MAX_WORKERS)


wsgi_app = "nkhr.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
timeout = 120
graceful_timeout = 30

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "generic",
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
        },
    },
    "root": {"level": "WARNING", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
