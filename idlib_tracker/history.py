"""The reason simple-history records with a change, fitted to its column (100 characters)."""

from __future__ import annotations

HISTORY_REASON_MAX = 100


def history_reason(text: str) -> str:
    # An editor's note can be longer than the column; cut it with an ellipsis rather than fail the save.
    return text if len(text) <= HISTORY_REASON_MAX else text[: HISTORY_REASON_MAX - 1] + "\u2026"
