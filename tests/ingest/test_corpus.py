"""Hostile input: feedparser's own test corpus and our adversarial feeds are ingested without a crash, within a
memory cap, with a recorded error where unreadable, and no script reaches what pages show."""

from __future__ import annotations

import os
import re
import resource
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from events.ingest.feeds import feed_fetch
from events.models import Article, Feed, FetchStatus
from tests import processes
from tests.conftest import SHARED_DIR, require
from tests.ingest import server as routes
from tests.ingest.safety import assert_safe

CORPUS = SHARED_DIR / "corpus" / "feedparser-tests"
ADVERSARIAL = Path(__file__).with_name("adversarial")
# The whole corpus is ingested in one child process whose address space is capped here: an entity expansion
# or a runaway decoder would hit the cap and fail the run instead of taking the machine down.
MEMORY_CAP = 1024 * 1024 * 1024


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


CORPUS_FILES = files_under(CORPUS) if CORPUS.exists() else []
ADVERSARIAL_FILES = files_under(ADVERSARIAL)


def case_id(path: Path) -> str:
    return str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else f"adversarial/{path.name}"


def generated_feeds(folder: Path, max_bytes: int) -> dict[str, Path]:
    """The big adversarial feeds, written at test time rather than committed."""
    head = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Generated</title>'
    tail = "</channel></rss>"
    item = (
        "<item><title>Report {n}</title><guid>gen-{n}</guid>"
        "<description>Shelling near Ariha, report {n}, residents said.</description></item>"
    )
    feeds = {
        "ten_thousand_entries.xml": head + "".join(item.format(n=n) for n in range(10_000)) + tail,
        "over_the_size_cap.xml": head + "<!--" + "x" * max_bytes + "-->" + tail,
        "deeply_nested_elements.xml": head
        + "<item><title>Deep</title><guid>deep-xml</guid><description>Deep XML, officials said.</description>"
        + "<x:n xmlns:x='urn:x'>" * 100_000
        + "</x:n>" * 100_000
        + "</item>"
        + tail,
        "deeply_nested_html.xml": head
        + "<item><title>Deep HTML</title><guid>deep-html</guid><description><![CDATA["
        + "<div>" * 100_000
        + "<p>Still a report, the monitor said.</p><script>alert(1)</script>"
        + "</div>" * 100_000
        + "]]></description></item>"
        + tail,
        "huge_entry.xml": head
        + "<item><title>"
        + "T" * 100_000
        + "</title><guid>huge</guid><description><![CDATA["
        + "<p>Convoys moved north, aid workers said. <b>bold</b> <a href='javascript:x()'>x</a></p>" * 50_000
        + "]]></description></item>"
        + tail,
    }
    paths = {}
    for name, text in feeds.items():
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def declared_headers(path: Path) -> dict[str, str]:
    """feedparser's http_* cases name the response headers they expect in a leading comment ("Header: X: y")."""
    head = path.read_bytes()[:2000].decode("utf-8", "replace")
    return dict(re.findall(r"^Header:\s*([\w-]+):[ \t]*(.*?)\s*$", head, flags=re.MULTILINE))


def serve_file(path: Path):
    body = path.read_bytes()
    headers = {"Content-Type": "application/xml", **declared_headers(path)}
    return lambda handler: routes.send(handler, 200, body, headers)


def test_the_corpus_is_there():
    require(len(CORPUS_FILES) >= 140, f"feedparser's test corpus is missing from {CORPUS}")


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS_FILES + ADVERSARIAL_FILES, ids=case_id)
def test_each_feed_over_http_is_ingested_or_refused_with_a_reason(path, feed_server, local_fetch):
    feed_server.routes["/feed"] = serve_file(path)
    feed = Feed.objects.create(name=path.name, url=feed_server.url("/feed"))

    report = feed_fetch(feed.id)

    feed.refresh_from_db()
    assert report.status in (FetchStatus.OK, FetchStatus.MALFORMED, FetchStatus.FAILED), report
    assert feed.last_status == report.status
    if report.status == FetchStatus.FAILED:
        assert feed.last_error and feed.consecutive_failures == 1
    if report.status == FetchStatus.MALFORMED:
        assert feed.last_error  # the parser's complaint, kept
    for article in Article.objects.filter(feed=feed):
        assert_safe(article)
        assert "root:x:0:0" not in article.text + article.html


@pytest.mark.django_db(transaction=True)
def test_the_whole_hostile_set_through_the_ingest_command_in_a_capped_process(tmp_path, settings):
    require(connection.vendor == "postgresql", "the child process shares the test database only on PostgreSQL")
    require(bool(CORPUS_FILES), f"feedparser's test corpus is missing from {CORPUS}")
    generated = generated_feeds(tmp_path, settings.FEEDS_MAX_BYTES)
    paths = CORPUS_FILES + ADVERSARIAL_FILES + list(generated.values())
    command = [processes.PYTHON, "manage.py", "ingest"]
    for path in paths:
        command += ["--file", str(path)]

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    done = subprocess.run(
        command,
        cwd=processes.REPO,
        env={**os.environ, "DATABASE_URL": processes.database_url()},
        preexec_fn=cap_memory,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    by_name = {feed.url: feed for feed in Feed.objects.all()}
    assert len(by_name) == len({path.resolve().as_uri() for path in paths})
    for path in paths:
        feed = by_name[path.resolve().as_uri()]
        assert feed.last_status in (FetchStatus.OK, FetchStatus.MALFORMED, FetchStatus.FAILED), path
        if feed.last_status == FetchStatus.FAILED:
            assert feed.last_error, path
    assert "larger than the" in by_name[generated["over_the_size_cap.xml"].as_uri()].last_error
    assert Article.objects.filter(feed=by_name[generated["ten_thousand_entries.xml"].as_uri()]).count() == 10_000
    huge = Article.objects.get(guid="huge")
    assert len(huge.title) == 1000 and "javascript" not in huge.html
    assert Article.objects.filter(guid__in=["deep-xml", "deep-html"]).count() == 2
    for article in Article.objects.exclude(feed=by_name[generated["ten_thousand_entries.xml"].as_uri()]):
        assert_safe(article)
    assert not Article.objects.filter(text__contains="root:x:0:0").exists()
