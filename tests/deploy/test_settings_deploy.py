"""Production settings, checked the way an operator meets them: a fresh process with only environment variables."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.conf import settings

REPO = settings.BASE_DIR
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}


def _env(**overrides: str | None) -> dict[str, str]:
    # Start from a clean slate of Django variables, so the developer's own shell cannot make a test pass.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def _setting(expr: str, **env: str | None) -> str:
    result = _manage("shell", "-c", f"from django.conf import settings; print({expr})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_with_production_variables_prints_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    missing = _manage("check", DJANGO_SECRET_KEY=None)
    assert missing.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in missing.stderr
    weak = _manage("check", DJANGO_SECRET_KEY="short-and-guessable")
    assert weak.returncode != 0
    assert "too weak" in weak.stderr
    insecure = _manage("check", DJANGO_SECRET_KEY="django-insecure-" + "x" * 60)
    assert insecure.returncode != 0


def test_debug_is_off_unless_asked_for_and_hosts_come_from_the_environment():
    assert _setting("settings.DEBUG", DJANGO_DEBUG=None) == "False"
    assert _setting("settings.ALLOWED_HOSTS", DJANGO_ALLOWED_HOSTS="a.example.org, b.example.org") == (
        "['a.example.org', 'b.example.org']"
    )
    # A typo in a boolean stops the process instead of silently meaning "off".
    typo = _manage("check", DJANGO_DEBUG="ture")
    assert typo.returncode != 0 and "DJANGO_DEBUG='ture' is not a boolean" in typo.stderr


def test_https_settings_behind_the_proxy():
    values = _setting(
        "(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    assert values == "(('HTTP_X_FORWARDED_PROTO', 'https'), True, 31536000, True, True)"


def test_visibility_timeout_must_outlast_the_longest_task():
    result = _manage("check", CELERY_TASK_TIME_LIMIT="400", CELERY_BROKER_VISIBILITY_TIMEOUT="300")
    assert result.returncode != 0
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT" in result.stderr


def test_admin_lives_at_the_configured_path(collected_static):
    code = (
        "from django.test import Client; from django.urls import reverse; c = Client(); "
        "print(reverse('admin:index'), c.get('/editors-desk-7f3a/login/', secure=True).status_code, "
        "c.get('/admin/login/', secure=True).status_code)"
    )
    result = _manage(
        "shell", "-c", code,
        DJANGO_ADMIN_URL="/editors-desk-7f3a/", DJANGO_ALLOWED_HOSTS="testserver", DJANGO_STATIC_ROOT=str(collected_static),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["/editors-desk-7f3a/", "200", "404"]

