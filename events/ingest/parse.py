"""Parse feed bytes with feedparser into plain entry records, defusing the input first.

feedparser is called on the bytes we fetched ourselves, with its own HTML sanitiser and relative-URI resolution
off (``clean`` sanitises with nh3 afterwards; the two passes are most of feedparser's time). Two hazards of
calling it on untrusted bytes are handled here, and both are pinned by tests:

- ``feedparser.parse(bytes)`` opens the bytes as a local *file name* when such a file exists, so a response body
  of ``/etc/passwd`` would read that file: we always hand it a ``BytesIO``.
- feedparser keeps "safe" entity declarations of the document's DOCTYPE and its loose (fallback) parser expands
  them without limit: one 100 kB entity referenced 20,000 times grows to gigabytes. Billion-laughs chains and
  external (XXE) entities are dropped by feedparser and refused by expat, but the quadratic case is not. No feed
  needs a DTD, so the DOCTYPE declaration and any entity declaration ahead of the root element are removed
  before parsing; references to them are then left as literal text.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

# Where the document's first element starts; feedparser treats everything before it as the prolog ("head").
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY[^>]*>")
# Inside a DOCTYPE: quoted strings and comments may hold any of "[", "]" and ">"; skip them whole.
_DOCTYPE_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|[\[\]>]", re.DOTALL)
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")

# Byte patterns of '<?xm' (or a BOM) in encodings that are not ASCII-compatible, per XML 1.0 appendix F.
_NON_ASCII_ENCODINGS = (
    (codecs.BOM_UTF32_BE, "utf-32-be", 4),
    (codecs.BOM_UTF32_LE, "utf-32-le", 4),
    (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (codecs.BOM_UTF16_LE, "utf-16-le", 2),
    (b"\x00\x00\x00\x3c", "utf-32-be", 0),
    (b"\x3c\x00\x00\x00", "utf-32-le", 0),
    (b"\x00\x3c\x00\x3f", "utf-16-be", 0),
    (b"\x3c\x00\x3f\x00", "utf-16-le", 0),
    (b"\x4c\x6f\xa7\x94", "cp037", 0),
)
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*?>")
# A declaration naming a two- or four-byte encoding in a document whose first bytes are plain ASCII "<?xml": the
# declaration is wrong (such a document cannot start that way), the bytes are what count.
_DECLARED_WIDE = re.compile(
    rb"^<\?xml[^>]*?encoding=[\"'](?:utf-?16|utf-?32|ucs-?[24]|iso-10646-ucs-[24])[^\"']*[\"']", re.IGNORECASE
)

MAX_GUID = 1000
MAX_TITLE = 1000
MAX_AUTHOR = 300
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})


class FeedUnreadable(Exception):
    """The bytes hold no readable feed; the message is the parser's (or ours), fit for Feed.last_error."""


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    link: str
    title: str  # may contain markup or entities; clean.text_of() makes it plain
    author: str
    published_at: datetime | None
    content: str  # the richest body the entry has: full content, else summary
    content_is_html: bool
    notes: tuple[str, ...] = ()  # entry-level problems worth keeping beside the article


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    version: str
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str = ""  # why the feed was "bozo" although its entries were readable


def _to_ascii_compatible(data: bytes) -> tuple[bytes, bool]:
    """Re-encode UTF-16/32/EBCDIC documents as UTF-8 so the byte-level defusing below can see their prolog.

    Returns (data, transcoded). Undecodable input is returned unchanged for feedparser to judge.
    """
    for marker, encoding, bom_length in _NON_ASCII_ENCODINGS:
        if data.startswith(marker):
            try:
                text = data[bom_length:].decode(encoding)
            except UnicodeDecodeError:
                return data, False
            declaration = "<?xml version='1.0' encoding='utf-8'?>"
            if _XML_DECLARATION.match(text):
                text = _XML_DECLARATION.sub(declaration, text, count=1)
            else:
                text = declaration + "\n" + text
            return text.encode("utf-8"), True
    if _DECLARED_WIDE.match(data):
        end = data.index(b">") + 1
        return b"<?xml version='1.0' encoding='utf-8'?>" + data[end:], True
    return data, False


def _doctype_end(data: bytes, start: int) -> int:
    """Index just past the DOCTYPE declaration starting at ``start`` (end of data if it never closes)."""
    depth = 0
    for token in _DOCTYPE_TOKEN.finditer(data, start + len(b"<!DOCTYPE")):
        value = token.group()
        if value == b"[":
            depth += 1
        elif value == b"]":
            depth = max(0, depth - 1)
        elif value == b">" and depth == 0:
            return token.end()
    return len(data)


def _valid_reference(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group()


def defuse(data: bytes) -> bytes:
    """Remove the DOCTYPE (with its internal subset) and entity declarations ahead of the root element, and
    replace character references to surrogates or beyond Unicode (the loose parser crashes on them)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    # The XML prolog: whitespace, processing instructions and comments may precede the DOCTYPE.
    position = 0
    while match := _PROLOG_ITEM.match(data, position):
        position = match.end()
    if data.startswith(b"<!DOCTYPE", position):
        data = data[:position] + data[_doctype_end(data, position) :]
    # The loose parser takes entity declarations from anything before the first element, even outside a
    # well-formed DOCTYPE: drop those too.
    first = _FIRST_ELEMENT.search(data)
    head_end = first.start() if first else len(data)
    if b"<!ENTITY" in data[:head_end]:
        data = _ENTITY_DECLARATION.sub(b"", data[:head_end]) + data[head_end:]
    if b"&#" in data:
        data = _CHARACTER_REFERENCE.sub(_valid_reference, data)
    return data


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    getline = getattr(exc, "getLineNumber", None)
    if getline is not None:
        message = getattr(exc, "getMessage", lambda: str(exc))()
        return f"not well-formed XML at line {getline()}, column {exc.getColumnNumber()}: {message}"
    return str(exc) or type(exc).__name__


# FeedParserDict.get maps old key names to new ones on every call (and warns about updated_parsed): entries
# are read with the plain dict lookup, under the names feedparser stores.
_get = dict.get


def _datetime(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = _get(entry, key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def _body(entry: dict) -> tuple[str, bool]:
    """The entry's fullest text: an HTML content element if any, else any content, else the summary."""
    contents = [c for c in _get(entry, "content") or () if _get(c, "value")]
    chosen = next((c for c in contents if _get(c, "type", "") in HTML_TYPES), contents[0] if contents else None)
    if chosen is None:
        detail = _get(entry, "summary_detail") or {}
        value = _get(entry, "summary") or ""
        return value, _get(detail, "type", "text/html") in HTML_TYPES
    return chosen["value"], _get(chosen, "type", "text/html") in HTML_TYPES


def _stable_key(text: str, limit: int) -> str:
    """``text`` if it fits the column, else a digest of it (so over-long guids still dedupe)."""
    if len(text) <= limit:
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _entry(raw: dict, base_url: str) -> ParsedEntry | None:
    title = _get(raw, "title") or ""
    link = (_get(raw, "link") or "").strip()
    if link and base_url and "://" not in link:
        link = urljoin(base_url, link)
    content, is_html = _body(raw)
    if not (title.strip() or link or content.strip()):
        return None
    notes: list[str] = []
    guid = (_get(raw, "id") or "").strip()
    if not guid:
        if link:
            guid = link
            notes.append("entry has no guid; its link is used instead")
        else:
            guid = "sha256:" + hashlib.sha256(f"{title}\x1f{content}".encode("utf-8", "surrogatepass")).hexdigest()
            notes.append("entry has neither guid nor link; a digest of its title and content is used")
    published_at = _datetime(raw)
    stated = _get(raw, "published") or _get(raw, "updated")
    if published_at is None and stated:
        notes.append(f"unreadable date {stated!r}")
    return ParsedEntry(
        guid=_stable_key(guid, MAX_GUID),
        link=link,
        title=title,
        author=(_get(raw, "author") or "")[:MAX_AUTHOR],
        published_at=published_at,
        content=content,
        content_is_html=is_html,
        notes=tuple(notes),
    )


def parse_feed(data: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    """Parse feed bytes. Raises FeedUnreadable when no entry can be read (an empty but valid feed is fine)."""
    if not data.strip():
        raise FeedUnreadable("empty document: the feed has no content at all")
    data, transcoded = _to_ascii_compatible(data)
    headers = {}
    if content_type:
        # After transcoding the bytes are UTF-8 whatever charset the server named.
        headers["content-type"] = content_type.split(";", 1)[0] if transcoded else content_type
    # No content-location header: with a base URI feedparser resolves xml:base on every element, a fifth of its
    # time. Only entry links need resolving, which _entry() does.
    try:
        result = feedparser.parse(
            io.BytesIO(defuse(data)),
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers=headers,
        )
    except Exception as exc:  # feedparser on hostile bytes: any crash of its is this feed's failure, not ours
        raise FeedUnreadable(f"the feed parser failed: {type(exc).__name__}: {exc}") from exc
    warning = _describe(result.get("bozo_exception")) if result.get("bozo") else ""
    entries = [entry for raw in result.get("entries") or () if (entry := _entry(raw, url)) is not None]
    version = result.get("version") or ""
    if not entries:
        if warning:
            raise FeedUnreadable(warning)
        if not version:
            raise FeedUnreadable("not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> root element found")
    return ParsedFeed(
        title=(result.get("feed") or {}).get("title", "")[:MAX_TITLE],
        version=version,
        entries=entries,
        warning=warning,
    )
