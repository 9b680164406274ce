"""Daily alerts through a REAL Celery worker (2 processes) on the real Redis broker and the PostgreSQL test database.

The worker mails through the summary tests' flaky backend: the first delivery to reader1@example.org drops the
connection, so that digest task genuinely fails, gives its day back and is retried by Celery. The beat task is
enqueued twice and every digest task once more by hand, so runs overlap. Each confirmed alert must receive exactly
one digest; the confirmation mail, enqueued on commit by the subscribe request, comes from the worker too.
"""

from __future__ import annotations

import email
import re
import time
from email import policy
from email.message import EmailMessage

import pytest
from django.utils import timezone

from events.models import AlertSubscription
from events.tasks import send_alert_digest, send_alert_digests
from events.taxonomy import EventType
from tests.alerts.conftest import published_now
from tests.summaries.flaky_mail import delivered

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FLAKY = "reader1@example.org"


def _by_recipient(directory) -> dict[str, list[EmailMessage]]:
    received: dict[str, list[EmailMessage]] = {}
    for raw in delivered(directory):
        message = email.message_from_bytes(raw, policy=policy.default)
        received.setdefault(message["To"], []).append(message)
    return received


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _confirmed_alert(address: str, query: str) -> AlertSubscription:
    earlier = timezone.now() - timezone.timedelta(hours=1)
    return AlertSubscription.objects.create(email=address, query=query, confirmed_at=earlier, covered_until=earlier)


def test_the_confirmation_comes_from_the_worker_after_the_request(mail_worker, client, world):
    response = client.post("/alerts/subscribe/", {"email": "new@example.org", "actor": world.hts.slug})
    assert response.status_code == 200

    _wait_for(lambda: "new@example.org" in _by_recipient(mail_worker), 60, "the confirmation mail")
    message = _by_recipient(mail_worker)["new@example.org"][0]
    body = message.get_body(("plain",)).get_content()
    path = re.search(r"https://tracker\.example\.org(/alerts/confirm/[^/\s]+/)", body).group(1)
    assert client.post(path).status_code == 200
    assert AlertSubscription.objects.get(email="new@example.org").confirmed_at is not None


def test_each_alert_gets_one_digest_a_day_through_retries_and_overlapping_runs(mail_worker, world):
    mail_dir = mail_worker
    battles = f"type={EventType.BATTLES.value.replace(' ', '+')}&actor={world.hts.slug}"
    alerts = [_confirmed_alert(f"reader{n}@example.org", battles) for n in range(4)]
    AlertSubscription.objects.create(email="pending@example.org", query=battles)  # never confirmed
    gone = _confirmed_alert("gone@example.org", battles)
    gone.unsubscribed_at = timezone.now()
    gone.save()
    published_now("Clashes at Saraqib", actors=[world.hts], place=world.saraqib)
    published_now("Air strike on Atarib", event_type=EventType.EXPLOSIONS, actors=[world.hts])

    send_alert_digests.delay()
    send_alert_digests.delay()  # a second beat run at the same time
    for alert in alerts:
        send_alert_digest.delay(alert.pk)  # and a duplicate of every digest task

    everyone = {alert.email for alert in alerts}
    today = timezone.localdate()
    _wait_for(
        lambda: set(_by_recipient(mail_dir)) >= everyone
        and AlertSubscription.objects.filter(pk__in=[a.pk for a in alerts], last_sent_at__isnull=False).count() == 4,
        90,
        "every confirmed alert to be mailed, the flaky one after a retry",
    )
    assert (mail_dir / f".failed-once-{FLAKY}").exists(), "the first attempt at the flaky address did fail"

    # Later the same day: a new alert gets its digest, nobody else a second one. Its message means that run's
    # tasks have been taken; the others only find their day claimed.
    late = _confirmed_alert("late@example.org", battles)
    send_alert_digests.delay()
    _wait_for(lambda: late.email in _by_recipient(mail_dir), 60, "the late alert's digest")
    time.sleep(2)

    received = _by_recipient(mail_dir)
    assert {address: len(messages) for address, messages in received.items()} == {
        **{alert.email: 1 for alert in alerts},
        late.email: 1,
    }
    assert set(AlertSubscription.objects.filter(last_digest_on=today).values_list("email", flat=True)) == {
        *everyone, late.email,
    }
    message = received[FLAKY][0]
    assert message["Subject"].strip() == "Idlib Tracker alert: 1 new event (Battles \u00b7 Hayat Tahrir al-Sham)"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = alerts[1].token
    assert message["List-Unsubscribe"].strip() == f"<https://tracker.example.org/alerts/unsubscribe/{token}/>"
    body = message.get_body(("plain",)).get_content()
    assert "Clashes at Saraqib" in body and "Air strike on Atarib" not in body
