"""The data of a weekly summary, typed: what compute_week returns, what WeeklySummary.data stores (as JSON) and
what the page, the Atom entry and both emails render. One shape, read the same way everywhere.

``from_json`` reads a stored summary back (DATA_VERSION 1 rows included: the fields added since have defaults).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Bump when the shape of the stored data changes, so a reader can tell an old summary from a new one.
# 2: key statements carry speaker_text and context (the article's sentence); version 1 rows read with them empty.
DATA_VERSION = 2
# Events with no place, or a place without a governorate: one bucket, the reader cannot tell them apart.
UNSPECIFIED_GOVERNORATE = "Unspecified"


@dataclass(frozen=True)
class Change:
    """A figure against a reference: delta, percent (None when the reference is zero) and direction."""

    delta: float
    percent: int | None
    direction: str  # "up", "down" or "same"


@dataclass(frozen=True)
class Headline:
    events: int
    fatalities: int
    last_week: int
    four_week_average: float
    vs_last_week: Change
    vs_average: Change


@dataclass(frozen=True)
class TypeCount:
    event_type: str
    count: int


@dataclass(frozen=True)
class GovernorateCount:
    governorate: str
    count: int


@dataclass(frozen=True)
class TopEvent:
    id: int
    title: str
    event_type: str
    occurred_on: str  # ISO date
    place: str
    governorate: str
    fatalities: int | None
    sources: int


@dataclass(frozen=True)
class KeyStatement:
    id: int
    speaker: str
    speaker_slug: str
    text: str
    is_direct: bool
    said_on: str  # ISO date
    sources: int
    source_title: str
    source_url: str  # a web link, or empty
    # How the article named the speaker, and the sentence the statement was cut from (empty in version 1 data):
    # what quotes.py needs to quote the statement as a whole sentence.
    speaker_text: str = ""
    context: str = ""


@dataclass(frozen=True)
class ZoneChange:
    zone_id: int
    name: str
    controller: str
    controller_slug: str
    change: str  # "gained" or "ended"
    on: str  # ISO date, as are before and after (the maps' dates)
    before: str
    after: str


@dataclass(frozen=True)
class ActiveActor:
    id: int
    name: str
    slug: str
    events: int


@dataclass(frozen=True)
class SeriesWeek:
    week_start: str  # ISO date of its Monday
    label: str
    events: int
    fatalities: int
    by_type: dict[str, int]


@dataclass(frozen=True)
class WeekFigures:
    week_start: str
    week_end: str
    label: str  # 2025-W14
    range: str  # 31 Mar - 6 Apr 2025
    complete: bool  # False while the week is still in progress: the figures are partial
    headline: Headline
    by_type: list[TypeCount]
    by_governorate: list[GovernorateCount]
    top_events: list[TopEvent]
    statements: list[KeyStatement]
    zone_changes: list[ZoneChange]
    active_actors: list[ActiveActor]
    series: list[SeriesWeek]  # the last SERIES_WEEKS weeks, oldest first, this one last
    version: int = DATA_VERSION
    # The highlights the build generated, so a rebuild can tell an editor's own highlights from them.
    generated_highlights: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeekFigures:
        headline = dict(data["headline"])
        headline["vs_last_week"] = Change(**headline["vs_last_week"])
        headline["vs_average"] = Change(**headline["vs_average"])
        return cls(
            version=data.get("version", DATA_VERSION),
            week_start=data["week_start"],
            week_end=data["week_end"],
            label=data["label"],
            range=data["range"],
            complete=data["complete"],
            headline=Headline(**headline),
            by_type=[TypeCount(**row) for row in data["by_type"]],
            by_governorate=[GovernorateCount(**row) for row in data["by_governorate"]],
            top_events=[TopEvent(**row) for row in data["top_events"]],
            statements=[KeyStatement(**row) for row in data["statements"]],
            zone_changes=[ZoneChange(**row) for row in data["zone_changes"]],
            active_actors=[ActiveActor(**row) for row in data["active_actors"]],
            series=[SeriesWeek(**row) for row in data["series"]],
            generated_highlights=data.get("generated_highlights"),
        )


