"""CI runs `make test` twice (.ci/run): as a new user would, with nothing set, then on the real services with
REQUIRE_SERVICES=1. A service test must skip in the first run without failing it, and fail in the second when its
service is missing."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

CI_RUN = settings.BASE_DIR / ".ci" / "run"
SERVICE_TEST = "tests/deploy/test_healthz.py::test_healthy_when_database_and_broker_answer"


def _pytest(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "REQUIRE_SERVICES")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", SERVICE_TEST],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )


def test_a_service_test_skips_without_failing_the_embedded_run():
    result = _pytest({})
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 skipped" in result.stdout


def test_a_service_test_fails_when_services_are_required_but_missing():
    result = _pytest({"REQUIRE_SERVICES": "1"})
    assert result.returncode == 1, result.stdout[-2000:]
    assert "required service missing under REQUIRE_SERVICES=1" in result.stdout


def test_ci_runs_make_test_on_the_embedded_default_then_on_the_services():
    script = CI_RUN.read_text()
    first = script.index("env -u DATABASE_URL -u REDIS_URL -u REQUIRE_SERVICES make test")
    second = script.index("REQUIRE_SERVICES=1", first)
    assert script.index("make test", second) > second
    assert script.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in script
