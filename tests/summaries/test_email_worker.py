"""The summary email through a REAL Celery worker on the real Redis broker and the real PostgreSQL test database.

The worker mails through Django's file backend behind a mail server that drops the connection the first time one
address is tried (tests/summaries/flaky_mail.py), so the task genuinely fails part-way and Celery retries it with
backoff. Publishing enqueues the task once, and the test enqueues it a second time at once, so two runs overlap.
Every confirmed subscriber must receive exactly one message; unconfirmed and unsubscribed addresses none.
"""

from __future__ import annotations

import email
import time
from email import policy
from email.message import EmailMessage

import pytest

from events.models import SummaryDelivery
from events.summaries.services import summary_build, summary_publish
from events.tasks import send_summary_emails
from tests.summaries.builders import make_event, make_subscriber
from tests.summaries.conftest import WEEK, day
from tests.summaries.flaky_mail import delivered

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FLAKY = "reader1@example.org"


def _by_recipient(directory) -> dict[str, list[EmailMessage]]:
    received: dict[str, list[EmailMessage]] = {}
    for raw in delivered(directory):
        message = email.message_from_bytes(raw, policy=policy.default)
        received.setdefault(message["To"], []).append(message)
    return received


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_each_subscriber_gets_the_summary_once_through_retries_and_overlapping_runs(mail_worker):
    mail_dir = mail_worker
    make_event(day(1), title="Shelling of Ariha", fatalities=3)
    confirmed = [make_subscriber(f"reader{n}@example.org") for n in range(4)]
    make_subscriber("pending@example.org", confirmed=False)
    make_subscriber("gone@example.org", unsubscribed=True)
    summary = summary_build(WEEK)

    summary_publish(summary)
    send_summary_emails.delay(summary.pk)  # as the admin's publish action enqueues it once committed
    send_summary_emails.delay(summary.pk)  # and a second, overlapping run

    everyone = {s.email for s in confirmed}
    _wait_for(
        lambda: set(_by_recipient(mail_dir)) >= everyone
        and SummaryDelivery.objects.filter(summary=summary, sent_at__isnull=False).count() == 4,
        90,
        "every confirmed subscriber to be mailed, the flaky one after a retry",
    )
    assert (mail_dir / f".failed-once-{FLAKY}").exists(), "the first attempt at the flaky address did fail"

    # A later run (a retry, a second publish click) after everything went out: a new subscriber gets it, nobody
    # else gets a second copy. The newcomer is mailed last (id order), so its message means that run is done.
    late = make_subscriber("late@example.org")
    send_summary_emails.delay(summary.pk)
    _wait_for(lambda: late.email in _by_recipient(mail_dir), 60, "the late subscriber's message")

    received = _by_recipient(mail_dir)
    assert {address: len(messages) for address, messages in received.items()} == {
        **{s.email: 1 for s in confirmed},
        late.email: 1,
    }
    message = received[FLAKY][0]
    assert message["Subject"].strip() == "Idlib weekly summary 2025-W14 (31 Mar \u2013 6 Apr 2025)"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = confirmed[1].token
    assert message["List-Unsubscribe"].strip() == f"<https://tracker.example.org/summaries/unsubscribe/{token}/>"
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert "Shelling of Ariha" in parts["text/plain"] and "Shelling of Ariha" in parts["text/html"]
    assert SummaryDelivery.objects.filter(summary=summary, sent_at__isnull=False).count() == 5
