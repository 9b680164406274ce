"""After a rules or gazetteer change the whole record is extracted again: `manage.py extract_again`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from events.extract.store import record_extract_enqueue
from events.models import Article
from tests.extract.conftest import make_article

pytestmark = pytest.mark.django_db

TEXT = "Shelling in Saraqib\n\nGovernment forces shelled Saraqib in Idlib province on Monday, the monitor said."


def test_the_record_is_handed_on_in_chunks_of_ids(fresh_matcher):
    ids = [make_article(TEXT).pk for _ in range(5)]
    chunks: list[list[int]] = []

    assert record_extract_enqueue(chunks.append, chunk_size=2) == 5

    assert chunks == [ids[0:2], ids[2:4], ids[4:5]]


@pytest.mark.parametrize("where", [["--here"], []])
def test_extract_again_extracts_every_article(gazetteer_db, eager_tasks, where, django_capture_on_commit_callbacks):
    for _ in range(3):
        make_article(TEXT)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):  # the chunks' tasks are enqueued on commit
        call_command("extract_again", *where, stdout=out)

    assert Article.objects.filter(extracted_at__isnull=True).count() == 0
    assert Article.objects.filter(places__slug="saraqib").count() == 3
    assert ("Extracted 3 articles again." if where else "Queued") in out.getvalue()
