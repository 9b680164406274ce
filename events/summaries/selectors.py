"""The reads behind the summary pages: published summaries, one week's summary, whether a token exists."""

from __future__ import annotations

from datetime import date

from events.models import Subscriber, SummaryStatus, WeeklySummary


def published_summaries():
    # Served by summary_status_week_idx: WHERE status = 'published' ORDER BY week_start DESC.
    return WeeklySummary.objects.filter(status=SummaryStatus.PUBLISHED).order_by("-week_start")


def summary_for_week(monday: date, *, include_drafts: bool = False) -> WeeklySummary | None:
    summaries = WeeklySummary.objects.filter(week_start=monday)
    if not include_drafts:
        summaries = summaries.filter(status=SummaryStatus.PUBLISHED)
    return summaries.first()


def subscriber_token_exists(token: str) -> bool:
    return Subscriber.objects.filter(token=token).exists()
