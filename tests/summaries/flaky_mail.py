"""An email backend for the worker tests: Django's file backend, behind a mail server that drops the connection the
first time it is asked to deliver to certain addresses.

Set in the Celery worker's environment: EMAIL_BACKEND=tests.summaries.flaky_mail.FlakyFileBackend, EMAIL_FILE_PATH
(where messages land, one file per connection, as the file backend writes them) and FLAKY_MAIL_FAIL_ONCE (comma
separated addresses). A marker file per address remembers the failure across retries and worker processes.
"""

from __future__ import annotations

import os
import smtplib
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class FlakyFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        fail_once = {a.strip() for a in os.environ.get("FLAKY_MAIL_FAIL_ONCE", "").split(",") if a.strip()}
        for message in email_messages:
            for address in message.recipients():
                marker = Path(self.file_path) / f".failed-once-{address}"
                if address in fail_once and not marker.exists():
                    marker.touch()
                    raise smtplib.SMTPServerDisconnected(f"connection dropped while sending to {address}")
        return super().send_messages(email_messages)


def delivered(directory: Path) -> list[bytes]:
    """Every message the file backend wrote under ``directory``, as raw bytes."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        messages += [chunk for chunk in path.read_bytes().split(SEPARATOR) if chunk.strip()]
    return messages
