"""Mailing a published summary in-process: who gets it, what it says, and claims that survive failures.

The same under a real Celery worker, with retries and concurrent runs: test_email_worker.py.
"""

from __future__ import annotations

import pytest

from events.models import Subscriber, SummaryDelivery
from events.summaries.mail import SummaryEmailIncomplete, subscriber_confirmation_send, summary_email_send
from events.summaries.services import summary_build
from tests.processes import free_port
from tests.summaries.builders import make_event, make_subscriber
from tests.summaries.conftest import WEEK, day


@pytest.fixture
def audience(db):
    return {
        "confirmed": [make_subscriber(f"reader{n}@example.org") for n in range(3)],
        "pending": make_subscriber("pending@example.org", confirmed=False),
        "gone": make_subscriber("gone@example.org", unsubscribed=True),
    }


def test_each_confirmed_subscriber_gets_one_message_with_its_own_unsubscribe_link(
    known_week, publish, audience, mailoutbox
):
    summary = publish(lead="Fighting spread south.")

    assert summary_email_send(summary.pk) == 3
    assert summary_email_send(summary.pk) == 0  # a second run finds everyone claimed

    assert sorted(m.to[0] for m in mailoutbox) == [f"reader{n}@example.org" for n in range(3)]
    by_address = {m.to[0]: m for m in mailoutbox}
    for subscriber in audience["confirmed"]:
        message = by_address[subscriber.email]
        url = f"https://tracker.example.org/summaries/unsubscribe/{subscriber.token}/"
        assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.subject == "Idlib weekly summary 2025-W14 (31 Mar \u2013 6 Apr 2025)"
        assert url in message.body
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html" and f'href="{url}"' in html
    message = mailoutbox[0]
    assert "5 published events, up 3 (+150%) on last week's 2" in message.body
    assert "Fighting spread south." in message.body
    assert f"https://tracker.example.org/events/{known_week.e3.id}/" in message.body
    assert "https://tracker.example.org/map/?date=2025-04-01" in message.body
    assert "https://tracker.example.org/summaries/2025-W14/" in message.body
    assert "- Wed 2 Apr:" in message.body and "Wed 2 Apr:" in message.alternatives[0][0]
    assert f'href="https://tracker.example.org/events/{known_week.e3.id}/"' in message.alternatives[0][0]
    assert SummaryDelivery.objects.filter(summary=summary, sent_at__isnull=False).count() == 3


def test_a_week_without_events_says_so_in_the_email(publish, audience, mailoutbox):
    summary_email_send(publish().pk)

    message = mailoutbox[0]
    assert "No published events were recorded in this week." in message.body
    assert "No published events were recorded in this week." in message.alternatives[0][0]


def test_a_draft_is_never_mailed(db, audience, mailoutbox):
    make_event(day(1))
    draft = summary_build(WEEK)

    assert summary_email_send(draft.pk) == 0
    assert mailoutbox == [] and not SummaryDelivery.objects.exists()


def test_a_failed_send_releases_its_claim_for_the_retry(publish, audience, settings, mailoutbox):
    summary = publish()
    # A real SMTP connection to a port where nothing listens: every send fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()

    with pytest.raises(SummaryEmailIncomplete, match="3 of 3 messages"):
        summary_email_send(summary.pk)
    assert not SummaryDelivery.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert summary_email_send(summary.pk) == 3
    assert len(mailoutbox) == 3


def test_a_recipient_claimed_by_a_run_that_died_is_not_mailed_again(publish, audience, mailoutbox):
    """At most once: a claim without sent_at may have been sent just before the worker died."""
    summary = publish()
    claimed = audience["confirmed"][0]
    SummaryDelivery.objects.create(summary=summary, subscriber=claimed)

    assert summary_email_send(summary.pk) == 2
    assert claimed.email not in [m.to[0] for m in mailoutbox]


def test_smtp_down_never_fails_the_request_and_the_confirmation_can_be_retried(
    client, db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/summaries/subscribe/", {"email": "ana@example.org"})

    assert response.status_code == 200  # the request does not wait on SMTP, up or down
    assert len(callbacks) == 1
    subscriber = Subscriber.objects.get()
    with pytest.raises(OSError):
        subscriber_confirmation_send(subscriber.pk)  # the task: Celery retries it on OSError
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The failed send released the throttle, so submitting again enqueues a new confirmation.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post("/summaries/subscribe/", {"email": "ana@example.org"}).status_code == 200
    assert len(callbacks) == 1
    assert subscriber_confirmation_send(subscriber.pk) is True
    assert len(mailoutbox) == 1


def test_the_email_lists_the_twelve_weeks_newest_first(known_week, publish, audience, mailoutbox):
    summary = publish()
    summary_email_send(summary.pk)

    message = mailoutbox[0]
    text = message.body
    block = text[text.index("LAST 12 WEEKS, NEWEST FIRST") :].splitlines()[1:13]
    assert [line.split()[0] for line in block] == [f"2025-W{n:02d}" for n in range(14, 2, -1)]
    assert block[0].split()[1:] == ["5", "25"]  # this week's events and fatalities first
    html = message.alternatives[0][0]
    assert html.index("W14 &middot; 31 Mar") < html.index("W13 &middot; 24 Mar") < html.index("W03 &middot;")
