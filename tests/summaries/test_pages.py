"""The summary pages: list, printable detail, Atom feed."""

from __future__ import annotations

import json
import re
from html import unescape

import feedparser
import pytest
from django.contrib.auth import get_user_model

from events.summaries.services import summary_build
from tests.summaries.builders import make_event, make_place
from tests.summaries.conftest import WEEK, day


def test_detail_page_shows_the_weeks_figures(client, known_week, publish):
    publish(WEEK, lead="Fighting spread <b>south</b> of Saraqib.")

    response = client.get("/summaries/2025-W14/")

    assert response.status_code == 200
    html = response.content.decode()
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    assert "The week of 31 Mar \u2013 6 Apr 2025" in text
    assert "5 published events, up 3 (+150%) on last week's 2; above the four-week average of 2.5." in text
    assert "up 3 (150%) vs last week (2)" in text
    assert "up 2.5 (100%) vs the four-week average (2.5)" in text
    assert "Fighting spread &lt;b&gt;south&lt;/b&gt; of Saraqib." in html  # the lead is escaped
    # Counts by type and governorate, in order.
    assert text.index("Battles 2") < text.index("Explosions/Remote violence 2") < text.index("Strategic developments 1")
    assert text.index("Idlib 3") < text.index("Aleppo 1") < text.index("Unspecified 1")
    # The most significant events link to their pages, in order.
    links = re.findall(r'<a href="/events/(\d+)/">', html)
    assert [int(pk) for pk in links] == [known_week.e3.id, known_week.e1.id, known_week.e4.id, known_week.e2.id,
                                         known_week.e5.id]
    assert "\u201cWe will restore security to every village.\u201d" in html
    assert f'href="/actors/{known_week.saa.slug}/"' in html
    assert '<a href="/map/?date=2025-04-01">before</a> / <a href="/map/?date=2025-04-02">after</a>' in html
    # Days as a reader writes them (the year is in the heading), not ISO dates.
    assert "Wed 2 Apr:" in text and "2025-04-02:" not in text
    assert re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ (Mar|Apr) \u00b7 Battles", text)
    assert not re.search(r"\b2025-0\d-\d\d( \u00b7|,)", text)  # events' and statements' days
    assert re.search(r"Hayat Tahrir al-Sham ?: 3 events", text)


def test_the_chart_data_comes_as_json_and_no_inline_script(client, known_week, publish):
    publish(WEEK)

    html = client.get("/summaries/2025-W14/").content.decode()

    data = re.search(r'<script id="summary-series" type="application/json">(.*?)</script>', html).group(1)
    chart = json.loads(data)
    # The timeline's stacked chart by type (static/js/charts.js); a bar links to that week on the timeline.
    per_week = [sum(dataset["data"][i] for dataset in chart["datasets"]) for i in range(12)]
    assert per_week == [0, 0, 0, 0, 0, 0, 7, 4, 1, 3, 2, 5]
    by_type = {dataset["label"]: dataset["data"][-1] for dataset in chart["datasets"]}
    assert by_type == {"Battles": 2, "Explosions/Remote violence": 2, "Strategic developments": 1}
    assert chart["labels"][-1] == "31 Mar" and chart["weekStarts"][-1] == "2025-03-31"  # the week by its Monday
    assert 'data-chart="summary-series" data-link="/timeline/"' in html
    # The CSP has no 'unsafe-inline': every other script is a file, Chart.js pinned with its SRI hash.
    scripts = re.findall(r"<script([^>]*)>", html)
    inline = [attrs for attrs in scripts if "src=" not in attrs and 'type="application/json"' not in attrs]
    assert inline == []
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/npm/chart\.js@[^"]+" integrity="sha384-', html)
    assert '<script src="/static/js/charts.js" defer>' in html
    assert "style=" not in html.split("<main", 1)[1]


def test_a_week_without_events_says_so_plainly(client, db, publish):
    publish(WEEK)

    response = client.get("/summaries/2025-W14/")

    assert response.status_code == 200
    assert "No published events were recorded in this week." in response.content.decode()


def test_drafts_are_for_editors_only(client, db):
    make_event(day(1))
    summary_build(WEEK)

    assert client.get("/summaries/2025-W14/").status_code == 404
    assert "2025-W14" not in client.get("/summaries/").content.decode()

    editor = get_user_model().objects.create_user("rania", is_staff=True)
    client.force_login(editor)
    response = client.get("/summaries/2025-W14/")
    assert response.status_code == 200
    assert "Draft: only editors can see this page" in response.content.decode()


@pytest.mark.parametrize("path", ["/summaries/2025-W54/", "/summaries/2025-W00/", "/summaries/2025-W13/"])
def test_weeks_that_do_not_exist_or_have_no_summary_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_list_shows_published_summaries_newest_first(client, db, publish):
    make_event(day(1))
    publish(WEEK)
    publish(day(7))
    summary_build(day(14))  # a draft

    html = client.get("/summaries/").content.decode()

    assert html.index("2025-W15") < html.index("2025-W14")
    assert "2025-W16" not in html
    assert 'href="/summaries/2025-W15/"' in html


def test_atom_feed_parses_and_lists_published_summaries_only(client, db, publish):
    # A feed-borne title reaches the highlights ("Deadliest: ...") and must stay text.
    make_event(day(1), title="Clashes <script>alert(1)</script> at Saraqib", place=make_place("Saraqib"), fatalities=3)
    publish(WEEK, lead="Editors' <lead> & notes.")
    publish(day(7))
    summary_build(day(14))

    response = client.get("/summaries/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [
        "Weekly summary 2025-W15 (7\u201313 Apr 2025)",
        "Weekly summary 2025-W14 (31 Mar \u2013 6 Apr 2025)",
    ]
    assert feed.entries[1].link == "http://testserver/summaries/2025-W14/"
    summary_html = feed.entries[1].summary
    assert "1 published event, up 1 on last week's 0" in unescape(summary_html)
    assert "Editors&#x27; &lt;lead&gt; &amp; notes." in summary_html
    assert "Deadliest: Clashes &lt;script&gt;alert(1)&lt;/script&gt; at Saraqib" in summary_html
    assert "<script>" not in summary_html


@pytest.mark.parametrize("events", [2, 30])
def test_the_page_costs_the_same_queries_however_many_events(client, db, publish, django_assert_num_queries,
                                                             events):
    place = make_place("Saraqib")
    for n in range(events):
        make_event(day(n % 7), place=place, sources=n % 4, fatalities=n)
    publish(WEEK)

    # One query: the summary row, whose stored figures hold everything the page shows (anonymous visitor: no
    # session or user query).
    with django_assert_num_queries(1):
        response = client.get("/summaries/2025-W14/")
    assert response.status_code == 200
    assert f"{events} published events" in unescape(response.content.decode())


def test_the_dashboard_links_the_latest_published_summary(client, db, publish):
    assert "No weekly summary has been published yet." in client.get("/").content.decode()
    make_event(day(1))
    publish(WEEK)
    publish(day(7))
    summary_build(day(14))  # a newer draft stays off the dashboard

    html = unescape(client.get("/").content.decode())

    assert '<a href="/summaries/2025-W15/">Week 2025-W15: 7\u201313 Apr 2025</a>' in html
    assert "0 published events, down from 1 the week before." in html
    assert "2025-W16" not in html


@pytest.mark.parametrize("weeks", [1, 25])
def test_the_list_costs_the_same_queries_however_many_summaries(client, db, publish, django_assert_num_queries,
                                                                weeks):
    for n in range(weeks):
        make_event(day(-7 * n))
        publish(day(-7 * n))

    # COUNT of published summaries for the pager, then one page of them (20).
    with django_assert_num_queries(2):
        response = client.get("/summaries/")
    assert response.content.decode().count('<li><a href="/summaries/20') == min(weeks, 20)
