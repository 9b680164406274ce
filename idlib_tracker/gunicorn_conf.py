"""gunicorn settings for the `web` service and bench_load: `--config python:idlib_tracker.gunicorn_conf`."""

import os

# Inside the container; docker-compose.yml publishes it on the host's loopback only, for the TLS proxy.
bind = "0.0.0.0:8000"
# gunicorn's own variable; two per core is its documented rule of thumb. Each worker holds one DB connection.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A page that takes longer than this is a bug: the worker is replaced rather than left hanging.
timeout = 30
graceful_timeout = 20
# Django writes one JSON access line per request (idlib_tracker.request_log); gunicorn's own access log would
# duplicate it in another format.
accesslog = None
errorlog = "-"
# gunicorn's control socket lives under $HOME, which the image's unprivileged user cannot write, and would be shared
# by every gunicorn on a host; nothing of ours uses it.
control_socket_disable = True
# gunicorn's own lines (start-up, worker boots and timeouts) as JSON on stdout too, like everything else.
_json_stdout = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "idlib_tracker.logging.JsonFormatter"}},
    "handlers": {"console": _json_stdout, "error_console": _json_stdout},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False}},
}
