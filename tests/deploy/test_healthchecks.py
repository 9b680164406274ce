"""The health checks of docker-compose.yml, run as Docker would run them against real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest
import yaml

from tests import processes
from tests.deploy.test_compose import COMPOSE

pytestmark = pytest.mark.services


def _check(service: str) -> list[str]:
    return yaml.safe_load(COMPOSE.read_text())["services"][service]["healthcheck"]["test"]


def test_worker_health_check_pings_this_worker_by_its_default_name(redis_url, tmp_path):
    kind, command = _check("worker")
    assert kind == "CMD-SHELL"
    hostname = socket.gethostname()
    # In the container $HOSTNAME is the container's name, which is what a worker calls itself by default.
    # The image has celery on PATH; here it is beside this interpreter.
    path = f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"
    env = {"HOSTNAME": hostname, "DJANGO_DEBUG": "0", "PATH": path}
    queue = f"healthcheck-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = processes.start(
        [processes.PYTHON, "-m", "celery", "-A", "idlib_tracker", "worker", "--loglevel", "INFO", "--concurrency", "1",
         "-Q", queue],
        log,
        env,
    )
    try:
        processes.wait_until(lambda: " ready." in log.read_text(), 60, "the worker")
        healthy = subprocess.run(["sh", "-c", command.replace("$$", "$")], cwd=processes.REPO,
                                 env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        assert f"celery@{hostname}: OK" in healthy.stdout
    finally:
        processes.stop(worker)
        processes.delete_queue(redis_url, queue)
    dead = subprocess.run(["sh", "-c", command.replace("$$", "$")], cwd=processes.REPO,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert dead.returncode != 0, "a stopped worker must not look healthy"


def test_web_health_check_passes_against_gunicorn_and_fails_without_it(django_db_setup, collected_static, tmp_path):
    from django.db import connection

    from tests.conftest import require

    require(connection.vendor == "postgresql", "the live server shares the test database only on PostgreSQL")
    kind, python, flag, code = _check("web")
    assert (kind, python, flag) == ("CMD", "python", "-c")
    port = processes.free_port()
    code = code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    web = processes.start_gunicorn(port, tmp_path / "gunicorn.log", processes.production_env(collected_static))
    try:
        assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30).returncode == 0
    finally:
        processes.stop(web)
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30).returncode != 0
