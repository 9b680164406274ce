"""How sure extraction is of an event: every further report that agrees adds a step, up to a cap below certainty
(certainty is the editors' to give, by publishing). Pure: no Django."""

from __future__ import annotations

MAX_CONFIDENCE = 0.95
CORROBORATION_STEP = 0.05


def confidence_after(confidence: float, reports: int = 1) -> float:
    """``confidence`` after ``reports`` more agreeing reports: +0.05 each, capped at 0.95."""
    return round(min(MAX_CONFIDENCE, confidence + CORROBORATION_STEP * reports), 2)
