"""Feed documents for the ingest tests, built in code so each test shows what it feeds in."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Item:
    guid: str
    title: str = "Shelling reported near Khan Shaykhun"
    link: str = ""
    content: str = ""  # HTML, placed in content:encoded (CDATA)
    description: str = "Residents said shells fell overnight."
    pub_date: str = "Sat, 08 Sep 2018 10:00:00 +0000"


def item_xml(item: Item) -> str:
    link = f"<link>{escape(item.link)}</link>" if item.link else ""
    content = f"<content:encoded><![CDATA[{item.content}]]></content:encoded>" if item.content else ""
    return (
        f'<item><title>{escape(item.title)}</title>{link}<guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<pubDate>{item.pub_date}</pubDate><description>{escape(item.description)}</description>{content}</item>"
    )


def rss(*items: Item, title: str = "Test wire", encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://wire.example.org/</link><description>tests</description>"
        + "".join(item_xml(i) for i in items)
        + "</channel></rss>"
    ).encode(encoding)


def story(n: int, prefix: str = "story") -> Item:
    """A distinct article-sized entry (its own guid, link and text)."""
    paragraphs = "".join(
        f"<p>Paragraph {p} of report {n} from {prefix}: government forces shelled villages in southern Idlib, "
        f"the monitoring group said, and families moved north towards the border camps.</p>"
        for p in range(3)
    )
    return Item(
        guid=f"{prefix}-{n}",
        title=f"Report {n} from {prefix}",
        link=f"https://wire.example.org/{prefix}/{n}",
        content=paragraphs,
    )


def founding_entry(article_text: str) -> Item:
    """The founding article as a news site's feed carries it: first line the title, paragraphs as <p>, the
    consecutive "More news:" lines as one paragraph broken by <br>, the toolbar as a paragraph of its own."""
    title, body = article_text.split("\n", 1)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    html = "".join("<p>" + "<br>".join(escape(line) for line in p.splitlines()) + "</p>" for p in paragraphs)
    return Item(
        guid="founding-article",
        title=title.strip(),
        link="https://news.example.org/2018/09/07/idlib-cannot-be-a-slaughter?utm_source=feed",
        content=html,
    )
