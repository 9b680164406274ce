"""What the reference-data loaders (gazetteers, zones, feeds) share: their report and their error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class ReferenceDataError(ValidationError):
    """Bad reference data: every problem found is listed, and nothing was written."""


def too_long(model: type[models.Model], item: Mapping[str, Any], fields: tuple[str, ...]) -> list[str]:
    """Problems for text values in ``item`` longer than the model's columns allow (named, not truncated)."""
    problems = []
    for name in fields:
        value = item.get(name)
        limit = model._meta.get_field(name).max_length
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append(f"{name} is {len(value)} characters long; the limit is {limit}")
    return problems


@dataclass
class LoadReport:
    """Counts of one load; ``parts`` holds the counts of rows loaded along with it (an actor's aliases)."""

    what: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    parts: list[LoadReport] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> int:
        """Rows written by this load, its parts included: zero on a second run of the same data."""
        return self.created + self.updated + sum(part.changed for part in self.parts)

    def __str__(self) -> str:
        text = f"{self.what}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {self.skipped} skipped"
        for part in self.parts:
            text += f"; {part}"
        for note in self.notes:
            text += f"; {note}"
        return text
