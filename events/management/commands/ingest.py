"""python manage.py ingest [--feed ID_OR_URL ...] [--file PATH ...]: fetch and store feeds now, synchronously.

Without options every active feed is fetched. ``--file`` ingests a local feed file under a Feed row of its own,
so running it again adds nothing. One line per feed: new / duplicate / updated / failed counts and the outcome.
A feed that fails is reported (and recorded on the feed) without stopping the others.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from events.ingest.feeds import FetchReport, feed_fetch, feed_ingest_file
from events.models import Feed, FetchStatus


class Command(BaseCommand):
    help = "Fetch feeds (all active ones, or those named) or ingest local feed files, printing a line per feed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--feed", action="append", default=[], metavar="ID_OR_URL", help="A feed id or URL.")
        parser.add_argument("--file", action="append", default=[], metavar="PATH", help="A local feed file.")

    def _feed_ids(self, wanted: list[str]) -> list[int]:
        ids = []
        for value in wanted:
            feed = Feed.objects.filter(pk=int(value)).first() if value.isdigit() else None
            feed = feed or Feed.objects.filter(url=value).first()
            if feed is None:
                raise CommandError(f"no feed with id or URL {value!r} (add it first: manage.py add_feed URL)")
            ids.append(feed.pk)
        return ids

    def handle(self, *args, feed: list[str], file: list[str], **options) -> None:
        reports: list[FetchReport] = []
        for path in file:
            try:
                report = feed_ingest_file(path)
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
            self._print(report)
            reports.append(report)
        if feed or not file:
            ids = (
                self._feed_ids(feed)
                if feed
                else list(Feed.objects.filter(active=True).order_by("id").values_list("id", flat=True))
            )
            for feed_id in ids:
                report = feed_fetch(feed_id)
                self._print(report)
                reports.append(report)
        total = {key: sum(getattr(r, key) for r in reports) for key in ("new", "duplicate", "updated", "failed")}
        failed_feeds = sum(1 for r in reports if r.status == FetchStatus.FAILED)
        self.stdout.write(
            f"{len(reports)} feed(s): {total['new']} new, {total['duplicate']} duplicate, {total['updated']} updated, "
            f"{total['failed']} failed entries; {failed_feeds} feed(s) failed"
        )

    def _print(self, report: FetchReport) -> None:
        style = self.style.ERROR if report.status == FetchStatus.FAILED else self.style.SUCCESS if report.ok else str
        self.stdout.write(style(report.line()))
