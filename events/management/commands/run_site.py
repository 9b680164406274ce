"""python manage.py run_site [--host H] [--port P]: the site for `make run`.

Prints the URL and runs Django's development server. When REDIS_URL is set, a Celery worker and beat (the same
commands as in docker-compose.yml) run as child processes, so feeds are fetched on schedule as in production;
they are stopped when the server stops (Ctrl-C or SIGTERM). Without Redis, tasks run eagerly in the web process
and no children are needed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import suppress

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

CELERY = [sys.executable, "-m", "celery", "-A", "idlib_tracker"]
CHILDREN = {
    "worker": [*CELERY, "worker", "--loglevel", "INFO", "--pool", "prefork", "--concurrency", "2"],
    "beat": [*CELERY, "beat", "--loglevel", "INFO", "--scheduler", "idlib_tracker.beat:LockedScheduler"],
}


def _stop(children: dict[str, subprocess.Popen], timeout: float = 15) -> None:
    """SIGTERM (Celery's warm shutdown) to each child's process group, then SIGKILL whatever is left."""
    for proc in children.values():
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in children.values():
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Run the site (Django's development server); with REDIS_URL also a Celery worker and beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--noreload", action="store_true", help="Do not restart the server on code changes.")

    def handle(self, *args, host: str, port: int, noreload: bool, **options) -> None:
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if os.environ.get("RUN_MAIN") == "true":
            # The autoreloader's server process: the parent process owns the worker and beat.
            call_command("runserver", address, use_reloader=True)
            return
        self.stdout.write(f"Idlib Tracker: http://{address}/", ending="\n")
        self.stdout.flush()
        children: dict[str, subprocess.Popen] = {}
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            if settings.REDIS_URL:
                for name, command in CHILDREN.items():
                    # Each in a session of its own: stopped as a group (a worker and its pool) by _stop().
                    children[name] = subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)
                    self.stdout.write(f"started Celery {name} (pid {children[name].pid})")
            else:
                self.stdout.write("REDIS_URL is not set: tasks run inside the web process, no worker or beat.")
            call_command("runserver", address, use_reloader=not noreload)
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop(children)
