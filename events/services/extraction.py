"""Extraction service: turns stored articles into actors, places, statements and candidate events.

Placeholder until the extraction issue lands: ingestion already calls it after each batch of new or changed
articles, so wiring does not change when the real implementation arrives.
"""

from __future__ import annotations

from collections.abc import Sequence


def articles_extract(article_ids: Sequence[int]) -> None:
    """Run extraction for these articles (idempotent). Not implemented yet: see issue 4."""
    return None
