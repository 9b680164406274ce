"""Dates written in news text, resolved against the article's date.

"on Wednesday" is the most recent Wednesday on or before the article's date; "September 1, 2018" and "1 September"
are that day (a date without a year takes the article's year, or the year before when that would put it more than a
week after the article); "in April" is the month (precision: month), in the article's year unless that is still to
come; "yesterday" / "last night" the day before; "last week" the week before (precision: week).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from events.models import DatePrecision

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# Month names are matched capitalised only: "may" and "march" are also ordinary words.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b"
    rf"|\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b(?:,?\s+(?P<y1>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>(?:19|20)\d\d)\b)?"
    rf"|\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?)\s+(?P<m3>{_MONTH})(?:\s+(?P<y3>(?:19|20)\d\d))?\b"
    r"|\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?P<rel>[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]his morning|[Tt]his afternoon|[Tt]his evening"
    r"|[Ll]ast night|[Ll]ast week)\b"
)
_RELATIVE = {
    "yesterday": (1, DatePrecision.DAY), "last night": (1, DatePrecision.DAY), "today": (0, DatePrecision.DAY),
    "tonight": (0, DatePrecision.DAY), "this morning": (0, DatePrecision.DAY),
    "this afternoon": (0, DatePrecision.DAY), "this evening": (0, DatePrecision.DAY),
    "last week": (7, DatePrecision.WEEK),
}


# Every form but the ISO one holds one of these words as written (the pattern is case-sensitive): what cues.py
# looks for before running _DATE on a sentence. Keep in step with _DATE.
DATE_CUES = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "esterday", "oday", "onight", "his morning", "his afternoon", "his evening", "ast night", "ast week",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: date
    precision: str  # DatePrecision


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _with_year(published: date, month: int, day: int) -> date | None:
    try:
        value = date(published.year, month, day)
        if value > published + timedelta(days=7):
            value = date(published.year - 1, month, day)
    except ValueError:
        return None
    return value


def _resolve(match: re.Match[str], published: date) -> tuple[date, str] | None:
    groups = match.groupdict()
    try:
        if groups["iso"]:
            return date.fromisoformat(groups["iso"]), DatePrecision.DAY
        for m, d, y in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
            if groups[m]:
                month, day = _month(groups[m]), _day(groups[d])
                if groups[y]:
                    return date(int(groups[y]), month, day), DatePrecision.DAY
                value = _with_year(published, month, day)
                return (value, DatePrecision.DAY) if value else None
    except ValueError:
        return None
    if groups["m3"]:
        month = _month(groups["m3"])
        year = int(groups["y3"]) if groups["y3"] else published.year - (month > published.month)
        return date(year, month, 1), DatePrecision.MONTH
    if groups["wd"]:
        back = (published.weekday() - _WEEKDAYS[groups["wd"].lower()]) % 7
        return published - timedelta(days=back), DatePrecision.DAY
    if groups["rel"]:
        back, precision = _RELATIVE[groups["rel"].lower()]
        return published - timedelta(days=back), precision
    return None


def dates_find(text: str, published: date) -> list[DateMention]:
    """Every date expression in the text, resolved, in text order (offsets into text)."""
    found = []
    for match in _DATE.finditer(text):
        resolved = _resolve(match, published)
        if resolved:
            found.append(DateMention(match.start(), match.end(), resolved[0], resolved[1]))
    return found
