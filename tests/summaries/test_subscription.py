"""Confirmed opt-in and one-click unsubscribe: subscribe -> confirm -> unsubscribe, through the real views."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from events.models import Subscriber
from events.summaries.mail import subscriber_confirmation_send
from events.summaries.services import subscriber_subscribe
from tests.summaries.builders import make_subscriber


@pytest.fixture
def csrf_client() -> Client:
    # As a browser: forms need their CSRF token.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def committed(django_capture_on_commit_callbacks, eager_tasks):
    """``with committed(): ...`` runs what the block enqueued on commit, in-process, as a worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _post_form(client: Client, path: str, data: dict | None = None):
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token})


def _link(body: str) -> str:
    return re.search(r"https://tracker\.example\.org(/summaries/\S+/)", body).group(1)


def test_the_request_sends_no_mail_but_enqueues_the_confirmation_on_commit(
    csrf_client, db, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post_form(csrf_client, "/summaries/subscribe/", {"email": "ana@example.org"})

    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert mailoutbox == []  # SMTP is a worker's business, never the request's
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (in-process here) and mails the link
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


def test_subscribe_confirm_unsubscribe(csrf_client, db, mailoutbox, committed):
    with committed():
        response = _post_form(csrf_client, "/summaries/subscribe/", {"email": "  Ana.Kaya@Example.ORG "})

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ana.kaya@example.org" and subscriber.confirmed_at is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana.kaya@example.org"]
    confirm_path = _link(message.body)
    assert confirm_path == f"/summaries/confirm/{subscriber.token}/"
    assert f'href="https://tracker.example.org{confirm_path}"' in message.alternatives[0][0]

    # Opening the link (or a mail scanner prefetching it) does not confirm; pressing the button does.
    page = csrf_client.get(confirm_path)
    assert page.status_code == 200 and "Confirm my subscription" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    response = _post_form(csrf_client, confirm_path)
    assert response.status_code == 200 and "Subscription confirmed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None

    unsubscribe_path = f"/summaries/unsubscribe/{subscriber.token}/"
    page = csrf_client.get(unsubscribe_path)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    response = csrf_client.post(unsubscribe_path)  # the page's own button
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    # Confirming again after unsubscribing does not bring the address back.
    assert _post_form(csrf_client, confirm_path).status_code == 404


def test_one_click_unsubscribe_from_the_mail_client(db):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click with no cookie and no CSRF token."""
    subscriber = make_subscriber("ana@example.org")
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        f"/summaries/unsubscribe/{subscriber.token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    # Twice is harmless.
    assert mail_client.post(f"/summaries/unsubscribe/{subscriber.token}/").status_code == 200


def test_unknown_tokens_are_404_and_change_nothing(client, db):
    make_subscriber("ana@example.org")
    for path in ("/summaries/confirm/not-a-token/", "/summaries/unsubscribe/not-a-token/"):
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert Subscriber.objects.filter(unsubscribed_at__isnull=True).count() == 1


def test_the_form_answers_the_same_whoever_is_already_subscribed(csrf_client, db, mailoutbox, committed):
    make_subscriber("known@example.org")

    with committed():
        known = _post_form(csrf_client, "/summaries/subscribe/", {"email": "known@example.org"})
    with committed():
        new = _post_form(csrf_client, "/summaries/subscribe/", {"email": "new@example.org"})

    assert known.status_code == new.status_code == 200
    assert known.content.decode().replace("known@", "X@") == new.content.decode().replace("new@", "X@")
    assert [m.to for m in mailoutbox] == [["new@example.org"]]  # a confirmed subscriber is not mailed again


def test_a_bad_address_is_refused_with_a_clear_error(csrf_client, db, mailoutbox):
    response = _post_form(csrf_client, "/summaries/subscribe/", {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_the_form_needs_its_csrf_token(csrf_client, db):
    assert csrf_client.post("/summaries/subscribe/", {"email": "ana@example.org"}).status_code == 403
    assert not Subscriber.objects.exists()


def test_repeated_requests_do_not_flood_an_inbox(db, mailoutbox):
    due = [subscriber_subscribe("ana@example.org")[1] for _ in range(5)]

    assert due == [True, False, False, False, False]  # one confirmation per address per window
    assert Subscriber.objects.count() == 1


def test_a_failed_confirmation_can_be_asked_for_again(db, mailoutbox, settings):
    subscriber, due = subscriber_subscribe("ana@example.org")
    settings.EMAIL_BACKEND = "tests.summaries.test_subscription.BrokenBackend"

    with pytest.raises(OSError):
        subscriber_confirmation_send(subscriber.pk)  # the task retries on OSError

    # Nothing went out, so the throttle is released: submitting the form again sends a link.
    assert due and subscriber_subscribe("ana@example.org")[1] is True


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("SMTP is down")


def test_an_unsubscribed_address_must_confirm_again(db, mailoutbox):
    old = make_subscriber("ana@example.org", unsubscribed=True)

    again, due = subscriber_subscribe("ANA@example.org")
    assert due and subscriber_confirmation_send(again.pk)

    assert again.pk == old.pk and again.token != old.token
    assert again.confirmed_at is None and again.unsubscribed_at is None
    assert len(mailoutbox) == 1 and again.token in mailoutbox[0].body


def test_unsubscribing_works_on_a_private_deployment(settings, db):
    settings.SITE_LOGIN_REQUIRED = True
    subscriber = make_subscriber("ana@example.org")
    anonymous = Client()

    assert anonymous.get("/summaries/").status_code == 302  # the summaries themselves need a login
    response = anonymous.post(f"/summaries/unsubscribe/{subscriber.token}/", "List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
