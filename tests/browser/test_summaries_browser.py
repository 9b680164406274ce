"""The weekly summary page in a real browser: the 12-week chart drawn from the embedded JSON under the CSP, and the
printed page: A4 from the page's own @page rule, no navigation, the whole summary on its sheets."""

from __future__ import annotations

import re

import pytest

from events.summaries.services import summary_build, summary_publish
from events.taxonomy import EventType
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.summaries.builders import make_actor, make_event, make_place, make_statement, make_zone
from tests.summaries.conftest import WEEK, day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 in PostScript points (210 x 297 mm); Chromium rounds to the CSS pixel grid, hence the tolerance.
A4_POINTS = (595.3, 841.9)


@pytest.fixture
def summary(eager_tasks):
    saraqib, atarib = make_place("Saraqib", admin1="Idlib"), make_place("Atarib", admin1="Aleppo")
    army, hts = make_actor("Syrian Arab Army"), make_actor("Hayat Tahrir al-Sham")
    types = list(EventType.values)
    for n in range(18):
        make_event(
            day(n % 7 - 7 * (n % 5)), title=f"Reported clash number {n} on the southern Idlib front",
            event_type=types[n % len(types)], place=(saraqib, atarib)[n % 2], sources=1 + n % 3, fatalities=n % 6,
            actors=[army, hts],
        )
    make_statement(army, "Our forces will continue operations until the area is secure.", day(2))
    make_statement(hts, "We repelled the assault and hold our positions.", day(3))
    make_zone("Saraqib pocket", army, valid_from=day(2))
    built = summary_build(WEEK)
    built.lead = "Fighting concentrated around Saraqib while shelling reached Atarib."
    built.save()
    return summary_publish(built)


def test_the_summary_page_draws_its_chart_and_prints_on_a4(page, summary):
    page.goto("/summaries/2025-W14/")

    page.wait_for_selector("#summary-chart.chart-drawn")
    bars = page.evaluate(
        """() => Chart.getChart(document.getElementById("summary-chart")).data.datasets
                .map(d => d.data.reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0)"""
    )
    assert bars == 18  # every published event of the 12 weeks is in the bars
    page.problems.assert_clean()
    screenshot(page, "summary")

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".summary-footer").is_visible()
    assert page.locator("#summary-chart").is_visible()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, for a look at the printed layout
    screenshot(page, "summary-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "summary.pdf").write_bytes(pdf)

    boxes = {tuple(float(v) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes), boxes
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, f"{pages} A4 pages for one week"


def _series_table(page) -> dict:
    return page.evaluate(
        """() => {
            const table = document.querySelector(".series-table");
            const box = table.getBoundingClientRect();
            const rows = [...table.querySelectorAll("tbody tr")].map(row => ({
                week: row.querySelector(".week-label").textContent.trim(),
                cells: [...row.children].map(cell => cell.textContent.trim()),
                top: row.getBoundingClientRect().top + window.scrollY,
                bold: getComputedStyle(row.querySelector("td")).fontWeight,
            }));
            const header = table.querySelector("thead").getBoundingClientRect();
            return {left: box.left, right: box.right, width: box.width, rows,
                    headerTop: header.top + window.scrollY,
                    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
        }"""
    )


def test_the_twelve_week_table_starts_with_the_newest_week_on_a_phone_and_on_a_desktop(page, summary):
    page.set_viewport_size({"width": 360, "height": 740})  # a small phone
    page.goto("/summaries/2025-W14/")

    phone = _series_table(page)

    # The week of the summary first, then back in time; each row a week, read top to bottom.
    assert [row["week"] for row in phone["rows"]] == [f"W{n:02d}" for n in range(14, 2, -1)]
    newest = summary.data["series"][-1]
    assert phone["rows"][0]["cells"] == [
        "W14 31 Mar \u2013 6 Apr", str(newest["events"]), str(newest["fatalities"]),
    ]
    assert int(phone["rows"][0]["bold"]) >= 700, "the summary's own week stands out"
    assert all(a["top"] < b["top"] for a, b in zip(phone["rows"], phone["rows"][1:], strict=False))
    heights = [b["top"] - a["top"] for a, b in zip(phone["rows"], phone["rows"][1:], strict=False)]
    assert max(heights) < 1.5 * min(heights), "a row wraps onto a second line on the phone"
    # Nothing to scroll sideways: the table and the page fit the phone's width.
    assert phone["left"] >= 0 and phone["right"] <= phone["viewport"], phone
    assert phone["pageWidth"] <= phone["viewport"], "the page scrolls sideways on a phone"
    page.locator(".series-table").scroll_into_view_if_needed()
    screenshot(page, "summary-phone-table", full_page=False)

    page.set_viewport_size({"width": 1360, "height": 900})
    page.goto("/summaries/2025-W14/")
    desktop = _series_table(page)

    assert [row["week"] for row in desktop["rows"]] == [row["week"] for row in phone["rows"]]
    # A compact table under the chart, not twelve rows stretched across the screen.
    assert desktop["width"] <= 26 * 16 + 1, desktop["width"]
    assert desktop["pageWidth"] <= desktop["viewport"]
    page.problems.assert_clean()
