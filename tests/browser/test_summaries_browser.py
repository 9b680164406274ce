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
