"""docs/architecture.md's "Where things live" table names what is in the tree, and only that: every path it gives
exists, and every package and top-level module of the apps is in it. (The import rules are `lint-imports`'.)"""

from __future__ import annotations

import re

from django.conf import settings

REPO = settings.BASE_DIR
DOC = REPO / "docs" / "architecture.md"
APPS = ("actors", "events", "idlib_tracker")
# Packages that are Django's own conventions rather than rooms of the house.
ROOTS = {*APPS, "templates", "static", "tests", "docs"}
CONVENTIONAL = {"migrations", "management", "commands", "templatetags", "data", "rules"}


def _table() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[2] for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]


def _paths(cell: str) -> list[str]:
    """The repository paths a cell names; a bare file name is inside the directory named before it."""
    found, base = [], ""
    for token in re.findall(r"`([^`]+)`", cell):
        if " " in token or token.startswith(("{", "[", "<")) or "<" in token:
            continue
        if "/" in token and token.split("/", 1)[0] in ROOTS:
            found.append(token)
            base = token if token.endswith("/") else token.rsplit("/", 1)[0] + "/"
        elif token.endswith((".py", ".json", "/")):
            found.append(base + token)
    return found


def test_every_path_in_the_table_exists():
    missing = []
    for cell in _table():
        for path in _paths(cell):
            if not (list(REPO.glob(path)) if "*" in path else (REPO / path).exists()):
                missing.append(path)
    assert missing == []


def test_every_package_and_top_level_module_of_the_apps_is_in_the_table():
    named = {path.rstrip("/") for cell in _table() for path in _paths(cell)}
    rooms = set()
    for app in APPS:
        for init in (REPO / app).rglob("__init__.py"):
            package = init.parent.relative_to(REPO)
            if package.parts[0] == app and len(package.parts) > 1 and not CONVENTIONAL & set(package.parts):
                rooms.add(str(package))
        if app != "idlib_tracker":
            rooms |= {str(module.relative_to(REPO)) for module in (REPO / app).glob("*.py")
                      if module.name not in ("__init__.py", "apps.py", "urls.py")}
    assert sorted(rooms - named) == []


def test_every_module_over_400_lines_says_why_in_the_architecture():
    """A long module is a room doing two jobs unless the document says why it is one."""
    text = DOC.read_text(encoding="utf-8")
    reasons = text.split("Modules over about 400 lines", 1)[1].split("\n## ", 1)[0]
    long_unnamed = []
    for app in APPS:
        for module in (REPO / app).rglob("*.py"):
            relative = str(module.relative_to(REPO))
            if "/migrations/" in relative:
                continue
            if len(module.read_text(encoding="utf-8").splitlines()) > 400 and f"`{relative}`" not in reasons:
                long_unnamed.append(relative)
    assert sorted(long_unnamed) == []
