"""Daily alerts in-process (the embedded default and PostgreSQL alike): subscribing from the timeline's filter,
the confirmed opt-in, the digest of newly published matching events, once a day, and the one-click unsubscribe.

The same through a real Celery worker on Redis: test_alerts_worker.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from events.alerts.mail import AlertDigestFailed, alert_digest_send
from events.alerts.services import alert_confirm, alert_filters, alert_subscribe, alerts_due
from events.models import AlertSubscription, EventStatus
from events.public.filters import FilterError
from events.tasks import send_alert_digests
from events.taxonomy import EventType
from tests.alerts.conftest import published_now
from tests.processes import free_port
from tests.summaries.builders import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_process_tasks():
    """Tasks run in this process even when REDIS_URL is set (test_alerts_worker.py runs them on a real worker)."""
    from idlib_tracker.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _subscribe(client, captured, email: str, **params) -> AlertSubscription:
    with captured(execute=True):
        response = client.post("/alerts/subscribe/", {"email": email, **params})
    assert response.status_code == 200, response.content.decode()
    return AlertSubscription.objects.get(email=email.strip().lower())


def _confirm_link(message) -> str:
    return re.search(r"https://tracker\.example\.org(/alerts/confirm/[^/\s]+/)", message.body).group(1)


@pytest.fixture
def confirmed(client, world, django_capture_on_commit_callbacks, mailoutbox):
    """reader@example.org has confirmed an alert on battles involving HTS (subscribed through the form)."""
    subscription = _subscribe(
        client, django_capture_on_commit_callbacks, "Reader@Example.org", type=EventType.BATTLES, actor=world.hts.slug
    )
    client.post(_confirm_link(mailoutbox[0]))
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    mailoutbox.clear()
    return subscription


def test_the_timeline_links_to_the_alert_form_with_its_filter(client, world):
    html = client.get(f"/timeline/?type=Battles&actor={world.hts.slug}&from=2025-01-01").content.decode()
    link = re.search(r'<a class="alert-link" href="([^"]+)"', html).group(1)
    assert link == f"/alerts/subscribe/?from=2025-01-01&amp;type=Battles&amp;actor={world.hts.slug}"

    form = client.get(link.replace("&amp;", "&"))

    page = form.content.decode()
    assert form.status_code == 200
    assert re.search(r'<option value="Battles" selected>', page)
    assert f'name="actor" value="{world.hts.slug}"' in page
    assert 'id="a-actor-chosen">Hayat Tahrir al-Sham</span>' in page
    assert 'id="alert-description">Battles \u00b7 Hayat Tahrir al-Sham</strong>' in page
    assert "Dates are not part of an alert" in page


def test_the_form_page_costs_the_same_queries_whatever_the_filter(client, world, django_assert_num_queries):
    # Queries: the actor and its members (one recursive query), the place, then the form's governorates (actor
    # and place are typed, with suggestions).
    with django_assert_num_queries(3):
        client.get(f"/alerts/subscribe/?actor={world.hts.slug}&place={world.saraqib.slug}")


def test_a_bad_filter_is_refused_with_the_timelines_message(client, world):
    response = client.post("/alerts/subscribe/", {"email": "a@example.org", "actor": "nobody", "type": "Picnics"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "Unknown event type" in text and "Picnics" in text
    assert not AlertSubscription.objects.exists()
    with pytest.raises(FilterError):
        alert_filters(_query(actor="no-such-actor"))


def _query(**params):
    from django.http import QueryDict

    return QueryDict(urlencode(params))


def test_subscribing_sends_the_confirmation_only_after_commit_and_from_a_task(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/alerts/subscribe/", {"email": "ana@example.org", "actor": world.hts.slug})

    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert mailoutbox == [], "the request itself sends nothing"
    assert len(callbacks) == 1
    callbacks[0]()  # what the commit runs: the confirmation task (eager here)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana@example.org"]
    assert "Hayat Tahrir al-Sham" in message.body
    subscription = AlertSubscription.objects.get()
    assert subscription.query == f"actor={world.hts.slug}" and subscription.confirmed_at is None


def test_nothing_is_mailed_before_confirmation_and_confirming_needs_a_post(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    subscription = _subscribe(client, django_capture_on_commit_callbacks, "ana@example.org", actor=world.hts.slug)
    link = _confirm_link(mailoutbox[0])
    published_now("Clashes at Saraqib", actors=[world.hts])

    assert alerts_due() == [] and alert_digest_send(subscription.pk) == 0
    page = client.get(link)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "Confirm my alert" in page.content.decode()
    assert AlertSubscription.objects.get().confirmed_at is None

    done = client.post(link)

    assert done.status_code == 200 and "Alert confirmed" in done.content.decode()
    assert alerts_due() == [subscription.pk]
    # Published before the opt-in: not in the first digest.
    mailoutbox.clear()
    assert alert_digest_send(subscription.pk) == 0 and mailoutbox == []


def test_the_digest_lists_only_newly_published_matching_events_once_a_day(confirmed, world, mailoutbox):
    earlier = make_event(timezone.localdate(), title="Battle published long ago", actors=[world.hts])
    earlier.reviewed_at = timezone.now() - timedelta(days=30)
    earlier.save()
    match = published_now("Clashes at Saraqib", actors=[world.hts, world.saa], place=world.saraqib, fatalities=4)
    published_now("Air strike on Atarib", event_type=EventType.EXPLOSIONS, actors=[world.hts])  # other type
    published_now("Battle without HTS", actors=[world.saa])  # other actor
    make_event(timezone.localdate(), title="Unreviewed battle", status=EventStatus.CANDIDATE, actors=[world.hts])

    assert alert_digest_send(confirmed.pk) == 1

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["reader@example.org"]
    assert message.subject == "Idlib Tracker alert: 1 new event (Battles \u00b7 Hayat Tahrir al-Sham)"
    assert "Clashes at Saraqib" in message.body and f"https://tracker.example.org/events/{match.pk}/" in message.body
    for other in ("long ago", "Atarib", "without HTS", "Unreviewed"):
        assert other not in message.body
    html = message.alternatives[0][0]
    assert "Clashes at Saraqib" in html and "Saraqib" in html and "4 killed" in html
    unsubscribe = f"https://tracker.example.org/alerts/unsubscribe/{confirmed.token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body and unsubscribe in html

    # The same day: another run (a retry, a second beat) sends nothing, even with a new match.
    published_now("Second battle of the day", actors=[world.hts])
    assert alert_digest_send(confirmed.pk) == 0
    assert send_alert_digests() == 0
    assert len(mailoutbox) == 1

    # The next day, only what was published since the last digest.
    AlertSubscription.objects.filter(pk=confirmed.pk).update(
        last_digest_on=timezone.localdate() - timedelta(days=1)
    )
    assert alert_digest_send(confirmed.pk) == 1
    assert "Second battle of the day" in mailoutbox[1].body and "Clashes at Saraqib" not in mailoutbox[1].body


def test_a_day_without_matching_events_sends_nothing(confirmed, world, mailoutbox):
    published_now("Battle without HTS", actors=[world.saa])

    assert alert_digest_send(confirmed.pk) == 0

    assert mailoutbox == []
    confirmed.refresh_from_db()
    assert confirmed.last_digest_on == timezone.localdate() and confirmed.last_sent_at is None


def test_a_failed_send_gives_the_day_back_and_the_retry_sends_it_once(confirmed, world, settings, mailoutbox):
    published_now("Clashes at Saraqib", actors=[world.hts])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    with pytest.raises(AlertDigestFailed):
        alert_digest_send(confirmed.pk)

    confirmed.refresh_from_db()
    assert confirmed.last_digest_on is None, "the claim was given back"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alert_digest_send(confirmed.pk) == 1
    assert alert_digest_send(confirmed.pk) == 0
    assert len(mail.outbox) == 1


def test_a_claimed_day_is_never_sent_twice_even_by_a_run_that_died_after_claiming(confirmed, world, mailoutbox):
    published_now("Clashes at Saraqib", actors=[world.hts])
    # Another run claimed today and died before sending: at most once, so this run sends nothing today ...
    AlertSubscription.objects.filter(pk=confirmed.pk).update(last_digest_on=timezone.localdate())

    assert alert_digest_send(confirmed.pk) == 0 and mailoutbox == []
    # ... and tomorrow's digest still lists the event, since nothing moved the covered window.
    AlertSubscription.objects.filter(pk=confirmed.pk).update(
        last_digest_on=timezone.localdate() - timedelta(days=1)
    )
    assert alert_digest_send(confirmed.pk) == 1 and "Clashes at Saraqib" in mailoutbox[0].body


def test_one_click_unsubscribe_is_a_post_without_csrf_or_session(confirmed, world, mailoutbox):
    published_now("Clashes at Saraqib", actors=[world.hts])
    strict = Client(enforce_csrf_checks=True)
    url = f"/alerts/unsubscribe/{confirmed.token}/"

    assert "Unsubscribe" in strict.get(url).content.decode()  # GET only asks
    assert AlertSubscription.objects.get().unsubscribed_at is None
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert alerts_due() == [] and alert_digest_send(confirmed.pk) == 0 and mailoutbox == []
    assert strict.post("/alerts/unsubscribe/not-a-token/").status_code == 404


def test_subscribing_again_after_leaving_needs_a_new_confirmation(
    client, confirmed, world, django_capture_on_commit_callbacks, mailoutbox
):
    old_token = confirmed.token
    client.post(f"/alerts/unsubscribe/{old_token}/")

    again = _subscribe(
        client, django_capture_on_commit_callbacks, "reader@example.org", type=EventType.BATTLES, actor=world.hts.slug
    )

    assert again.pk == confirmed.pk and again.token != old_token
    assert again.confirmed_at is None and again.unsubscribed_at is None
    assert len(mailoutbox) == 1 and again.token in mailoutbox[0].body
    assert client.post(f"/alerts/confirm/{old_token}/").status_code == 404


def test_the_same_alert_twice_is_one_row_and_one_confirmation(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    for email in ("ana@example.org", "ANA@example.org "):
        _subscribe(client, django_capture_on_commit_callbacks, email.strip().lower(), actor=world.hts.slug)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/alerts/subscribe/", {"email": email, "actor": world.hts.slug})

    assert AlertSubscription.objects.count() == 1
    assert len(mailoutbox) == 1, "a second request within the window does not mail again"


def test_an_alert_on_a_place_and_on_a_type_alone(world, mailoutbox):
    by_place, _ = alert_subscribe("p@example.org", alert_filters(_query(place=world.atarib.slug)))
    by_type, _ = alert_subscribe("t@example.org", alert_filters(_query(type=EventType.EXPLOSIONS)))
    for subscription in (by_place, by_type):
        alert_confirm(subscription.token)
    published_now("Air strike on Atarib", event_type=EventType.EXPLOSIONS, place=world.atarib)
    published_now("Clashes at Saraqib", place=world.saraqib)
    published_now("Shelling of Saraqib", event_type=EventType.EXPLOSIONS, place=world.saraqib)

    assert alert_digest_send(by_place.pk) == 1
    assert alert_digest_send(by_type.pk) == 2

    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "Air strike on Atarib" in bodies["p@example.org"] and "Saraqib" not in bodies["p@example.org"]
    assert "Air strike on Atarib" in bodies["t@example.org"] and "Shelling of Saraqib" in bodies["t@example.org"]
    assert "Clashes" not in bodies["t@example.org"]


def test_the_desk_lists_alerts_and_stops_one_through_the_service(admin_client, confirmed):
    url = "/admin/events/alertsubscription/"

    listing = admin_client.get(url).content.decode()
    assert "reader@example.org" in listing and "receiving" in listing
    response = admin_client.post(url, {"action": "unsubscribe", "_selected_action": [confirmed.pk]}, follow=True)

    assert "1 alert(s) stopped." in response.content.decode()
    assert alerts_due() == []
    assert admin_client.get("/admin/events/alertsubscription/add/").status_code == 403


def test_a_filter_too_long_to_store_is_a_400_not_a_500(client, world):
    every_type = [str(t) for t in EventType]
    response = client.post(
        "/alerts/subscribe/",
        {"email": "a@example.org", "type": every_type, "q": "\u00e9" * 200, "actor": world.hts.slug},
    )

    assert response.status_code == 400
    assert "too long to save as an alert" in response.content.decode()
    assert not AlertSubscription.objects.exists()
