"""Query helpers shared by the admin changelists: per-row figures without a query per row."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_per_row(rows: QuerySet, link: str) -> Coalesce:
    """COUNT(*) of ``rows`` whose ``link`` is the listed object: a correlated subquery per row of the page, so
    the figure is right whatever other joins the changelist's filters add, and it uses the index on ``link``."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)
