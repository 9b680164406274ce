"""The words of a weekly summary: its figure line and the highlights an editor starts from (from WeekFigures)."""

from __future__ import annotations

from events.summaries.data import UNSPECIFIED_GOVERNORATE, WeekFigures


def _count_phrase(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def headline_sentence(data: WeekFigures) -> str:
    """The figure line: ``12 published events, up 4 (+50%) on last week's 8; the four-week average is 9.5.``"""
    headline = data.headline
    events = headline.events
    if not events:
        return (
            f"No published events were recorded this week (last week: {headline.last_week}; "
            f"four-week average: {headline.four_week_average:g})."
        )
    vs_last = headline.vs_last_week
    if vs_last.direction == "same":
        change = f"the same as last week's {headline.last_week}"
    else:
        percent = f" ({vs_last.percent:+d}%)" if vs_last.percent is not None else ""
        change = f"{vs_last.direction} {abs(vs_last.delta):g}{percent} on last week's {headline.last_week}"
    average = {"up": "above", "down": "below", "same": "equal to"}[headline.vs_average.direction]
    return (
        f"{_count_phrase(events, 'published event')}, {change}; "
        f"{average} the four-week average of {headline.four_week_average:g}."
    )


def default_highlights(data: WeekFigures) -> str:
    """Highlights an editor starts from, one per line: the facts a reader asks first after the figure line."""
    lines = []
    fatalities = data.headline.fatalities
    if fatalities:
        lines.append(f"{fatalities} reported {'fatality' if fatalities == 1 else 'fatalities'} in published events.")
    deadliest = max(data.top_events, key=lambda event: event.fatalities or 0, default=None)
    if deadliest and deadliest.fatalities:
        where = f"{deadliest.place}, " if deadliest.place else ""
        lines.append(f"Deadliest: {deadliest.title} ({where}{deadliest.fatalities} killed).")
    if data.top_events and data.top_events[0].sources > 1:
        top = data.top_events[0]
        lines.append(f"Most reported: {top.title} ({top.sources} sources).")
    for change in data.zone_changes:
        verb = "took control of" if change.change == "gained" else "no longer holds"
        lines.append(f"{change.controller} {verb} {change.name} ({change.on}).")
    if data.by_governorate and data.by_governorate[0].governorate != UNSPECIFIED_GOVERNORATE:
        busiest = data.by_governorate[0]
        lines.append(f"Most events in {busiest.governorate} governorate ({busiest.count}).")
    return "\n".join(lines)


def highlight_lines(highlights: str) -> list[str]:
    return [line.strip() for line in highlights.splitlines() if line.strip()]
