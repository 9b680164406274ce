"""Turn an entry's HTML into what we store: sanitised HTML, clean plain text, a canonical URL and a content hash.

One pass of lxml over the entry removes site furniture (share/print toolbars, "More news:" / "Read more" /
"Related" lines and link lists, bylines, photo credits: the rules are data, in ``furniture.json``) and yields
the text with its paragraphs; nh3 then sanitises the remaining HTML as the last step, so whatever lxml made of
odd markup, nothing leaves this module that nh3 has not passed (no script or style, no ``on*`` attribute, no
``javascript:`` URL).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

import lxml.etree
import nh3

FURNITURE_FILE = Path(__file__).with_name("furniture.json")

# Block-level tags: each starts a new paragraph of text.
BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
))  # fmt: skip
# Elements whose content is never article text (lxml keeps them; nh3 drops them again at the end anyway).
NON_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "title",
    "form", "button", "select", "textarea", "input", "canvas", "audio", "video", "frameset", "noframes", "xmp",
)  # fmt: skip
LIST_TAGS = frozenset({"ul", "ol", "dl"})

# What an article page may show. No images: they would be hot-linked from the source (and CSP blocks them).
ALLOWED_TAGS = frozenset((
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "small", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
))  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}
SANITIZER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)

# Query parameters that only track the reader: the same article with and without them is one URL.
TRACKING_PARAMETERS = frozenset((
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
    "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "ref_src", "ref_url", "cmpid", "ocid", "ncid",
    "icid", "s_cid", "sr_share", "spm", "li_fat_id", "oly_enc_id", "oly_anon_id", "rb_clickid", "guccounter",
    "guce_referrer", "guce_referrer_sig", "at_medium", "at_campaign",
))  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "__hs")
MAX_URL = 1000
# Below this many characters of normalised text the title joins the hash, so that two different entries with
# no body (or a one-line teaser) are not taken for the same story.
SHORT_TEXT = 200

# Where an HTML tokenizer would start markup: "<" then a letter, "/", "!" or "?" ("a < b" is text).
_MARKUP_START = re.compile(r"<[/!?A-Za-z]")
_MARKUP = re.compile(r"<[/!?A-Za-z][^>]*>?")
# Characters no HTML or database text may hold (lxml refuses them, PostgreSQL refuses NUL).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# For the content hash: punctuation (ASCII and typographic quotes, dashes) is dropped and line breaks count as
# spaces, so that one story with straight or curly quotes, or re-wrapped paragraphs, hashes the same. Done on
# UTF-8 bytes: bytes.translate and bytes.replace run an order of magnitude faster than str.translate with a dict.
_HASH_DROPPED_ASCII = string.punctuation.encode()
_HASH_DROPPED_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2013\u2014]")
_HASH_ODD_SPACES = re.compile("[\u00a0\u2009\u202f]")
_HASH_SPACES = bytes.maketrans(b"\n\t\r\x0b\x0c", b"     ")


@dataclass(frozen=True)
class JunkRules:
    # Every line rule in one alternation, each with its own case mode ((?i:...) groups), tried at the start of
    # the line only: one regex match per line instead of a search per rule.
    line: re.Pattern[str]
    list_heading: re.Pattern[str]
    class_or_id: re.Pattern[str]
    max_line_chars: int
    drop_tags: tuple[str, ...] = ()

    def is_junk_line(self, line: str) -> bool:
        return len(line) <= self.max_line_chars and self.line.match(line) is not None


@lru_cache(maxsize=1)
def junk_rules() -> JunkRules:
    data = json.loads(FURNITURE_FILE.read_text(encoding="utf-8"))
    rules = [f"(?:{r['pattern']})" if r.get("case_sensitive") else f"(?i:{r['pattern']})" for r in data["lines"]]
    return JunkRules(
        line=re.compile("|".join(rules)),
        list_heading=re.compile(data["list_headings"], re.IGNORECASE),
        class_or_id=re.compile(data["class_or_id"], re.IGNORECASE),
        max_line_chars=int(data["max_line_chars"]),
        drop_tags=tuple(data.get("drop_tags", ())),
    )


@dataclass(frozen=True)
class CleanContent:
    html: str  # sanitised, safe to render
    text: str  # plain text, paragraphs separated by a blank line, lines within one by a newline


def _collapse(text: str) -> str:
    return " ".join(text.split())


def plain_text_to_html(text: str) -> str:
    """Plain text (blank-line paragraphs, newline-separated lines) as equivalent HTML."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in p.splitlines() if line.strip()) + "</p>"
        for p in paragraphs
    )


# libxml2's HTML parser without lxml.html's element classes (whose per-element lookup runs in Python).
_HTML_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def _parse_fragment(markup: str) -> lxml.etree._Element | None:
    """The fragment as the children of a <body> element (None when nothing is left to parse)."""
    try:
        document = lxml.etree.fromstring(f"<html><body>{markup}</body></html>", _HTML_PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError):
        return None
    return document.find("body") if document is not None else None


def _remove(element: lxml.etree._Element) -> lxml.etree._Element | None:
    """Remove an element and its content, keeping the text that follows it. Returns the former parent."""
    parent = element.getparent()
    if parent is None:
        return None
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
    return parent


def _is_empty(element: lxml.etree._Element) -> bool:
    return len(element) == 0 and not (element.text or "").replace(_PARAGRAPH, "").strip()


def _element_text(element: lxml.etree._Element) -> str:
    # lxml's text serialisation runs in C: much cheaper than joining itertext() in Python.
    return _collapse(lxml.etree.tostring(element, method="text", encoding="unicode", with_tail=False))


def _drop_junk_lines(block: lxml.etree._Element, rules: JunkRules) -> None:
    """Inside a block, drop each <br>-separated line that is furniture (e.g. three "More news:" lines)."""
    lines: list[list[lxml.etree._Element]] = [[]]
    breaks: list[lxml.etree._Element] = []
    for child in block:
        if child.tag == "br":
            breaks.append(child)
            lines.append([])
        else:
            lines[-1].append(child)
    if not breaks:
        return
    # Line i starts with its lead text: the block's own text for the first line, the tail of the <br> before it
    # for the others (lxml keeps a tail with its element, so moving a <br> moves the text after it).
    leads = [block.text, *(br.tail for br in breaks)]
    kept = [
        index
        for index, children in enumerate(lines)
        if not rules.is_junk_line(
            _collapse((leads[index] or "") + "".join(_element_text(c) + (c.tail or "") for c in children))
        )
    ]
    if len(kept) == len(lines):
        return
    for child in list(block):
        block.remove(child)
    block.text = leads[kept[0]] if kept else None
    for position, index in enumerate(kept):
        if position > 0:
            block.append(breaks[index - 1])
        elif index > 0:
            breaks[index - 1].tail = None
        block.extend(lines[index])


_WITH_CLASS_OR_ID = lxml.etree.XPath(".//*[@class or @id]")
_BREAKS = lxml.etree.XPath(".//br")
# Links without a scheme ("/news/1", "story.html"): an absolute URL always holds a colon.
_RELATIVE_LINKS = lxml.etree.XPath(".//a[@href and not(contains(@href, ':')) and not(starts-with(@href, '#'))]")
# Paragraph and line marks for the text serialisation: private-use characters, taken out of the HTML again.
_PARAGRAPH, _LINE = "\ue000", "\ue001"


def _prepare(root: lxml.etree._Element, base_url: str) -> None:
    """One pass over the tree: drop non-content and furniture, resolve links, mark paragraphs and lines.

    Every Python-level touch of an element costs microseconds, so the common cases are decided by lxml in C
    (XPath selections) or from what is already at hand.
    """
    rules = junk_rules()
    lxml.etree.strip_elements(root, *NON_CONTENT_TAGS, with_tail=False)
    emptied = []  # parents that lost furniture: if nothing else is left in them, they go too
    if rules.drop_tags:
        emptied += [_remove(element) for element in list(root.iter(*rules.drop_tags))]
    for element in _WITH_CLASS_OR_ID(root):
        if rules.class_or_id.search(f"{element.get('class', '')} {element.get('id', '')}"):
            emptied.append(_remove(element))
    breaks = _BREAKS(root)
    if breaks:
        for parent in {br.getparent() for br in breaks}:
            _drop_junk_lines(parent, rules)
    blocks = list(root.iter(*BLOCK_TAGS))
    # A block holding other blocks is not judged as a whole: its leaf blocks are, one by one.
    containers = {block.getparent() for block in blocks}
    # Elements inside one removed here are judged too (wasted, harmless): checking attachment costs more.
    for element in blocks:
        # A long opening text is a real paragraph, not furniture: the common case, decided without serialising.
        if element not in containers and len(element.text or "") <= 2 * rules.max_line_chars:
            text = _element_text(element)
            if text and len(text) <= rules.max_line_chars:
                if rules.list_heading.search(text):
                    following = element.getnext()
                    if following is not None and following.tag in LIST_TAGS:
                        _remove(following)
                    emptied.append(_remove(element))
                    continue
                if rules.is_junk_line(text):
                    emptied.append(_remove(element))
                    continue
        element.text = _PARAGRAPH + (element.text or "")
        element.tail = _PARAGRAPH + (element.tail or "")
    for parent in reversed(emptied):
        while parent is not None and parent is not root and _is_empty(parent):
            parent = _remove(parent)
    for br in breaks:
        br.tail = _LINE + (br.tail or "")  # a <br> dropped with its line above is detached: harmless
    if base_url:
        for link in _RELATIVE_LINKS(root):
            link.set("href", urljoin(base_url, link.get("href").strip()))


def _text_of_marked(raw: str) -> str:
    """Plain text from the marked tree's text: paragraphs apart by a blank line, furniture lines dropped."""
    rules = junk_rules()
    limit = rules.max_line_chars
    paragraphs = []
    for block in raw.split(_PARAGRAPH):
        if not block or block.isspace():
            continue  # between two adjacent blocks: the common case
        lines = []
        for piece in block.split(_LINE) if _LINE in block else (block,):
            line = " ".join(piece.split())
            if line and (len(line) > limit or not rules.is_junk_line(line)):
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def defang_text(text: str) -> str:
    """Plain text that still looks like markup (double-escaped feeds) loses the tags, not the words."""
    for _ in range(3):
        if not _MARKUP_START.search(text):
            return text
        text = html.unescape(TEXT_ONLY.clean(text))
    return _MARKUP.sub("", text)


def storable(text: str) -> str:
    """``text`` without control characters or lone surrogates, so lxml and the database accept it."""
    text = _UNSTORABLE.sub("", text)
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _clean_markup(markup: str, base_url: str) -> CleanContent:
    root = _parse_fragment(markup)
    if root is None:  # nothing lxml can build a tree from (a lone comment, say): nh3 alone
        return CleanContent(SANITIZER.clean(markup), defang_text(html.unescape(TEXT_ONLY.clean(markup))))
    _prepare(root, base_url)
    marked = lxml.etree.tostring(root, method="html", encoding="unicode")
    text = lxml.etree.tostring(root, method="text", encoding="unicode", with_tail=False)
    safe_html = SANITIZER.clean(marked.replace(_PARAGRAPH, "").replace(_LINE, ""))
    return CleanContent(safe_html, defang_text(_text_of_marked(text)))


def clean_content(markup: str, *, is_html: bool = True, base_url: str = "") -> CleanContent:
    """Sanitised HTML and clean plain text of an entry body, site furniture removed."""
    if not markup.strip():
        return CleanContent("", "")
    if not is_html or "<" not in markup:
        # Plain text (or HTML without a single tag): its line breaks are its structure.
        markup = plain_text_to_html(html.unescape(markup) if is_html else markup)
    try:
        return _clean_markup(markup, base_url)
    except ValueError:
        # lxml refuses control characters and lone surrogates (in parsing, or in text we set). Removing them
        # up front from every entry costs more than this second pass on the rare entry that has them.
        return _clean_markup(storable(markup), base_url)


def text_of(markup: str) -> str:
    """A one-line plain text of a short field (titles): entities decoded, tags dropped, whitespace collapsed."""
    markup = storable(markup)
    if "<" not in markup and "&" not in markup:
        return _collapse(markup)
    return _collapse(defang_text(html.unescape(TEXT_ONLY.clean(markup))))


def _is_tracking(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL that identifies an article: http(s) only, host lower-cased, default port, tracking and fragment gone.

    The rest of the query is kept byte for byte (re-encoding it could change what the server returns).
    Returns "" for anything that is not an http(s) URL or does not fit the column.
    """
    try:
        parts = urlsplit(storable(url).strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    if port and port != (443 if scheme == "https" else 80):
        host = f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracking(pair))
    canonical = urlunsplit((scheme, host, path, quote(query, safe="=&%:@!$'()*+,;/?-._~"), ""))
    return canonical if len(canonical) <= MAX_URL else ""


def normalise_for_hash(text: str) -> bytes:
    """Text reduced to its words: lower-cased, punctuation dropped, any run of spaces or line breaks one space.

    Done on UTF-8 bytes (bytes.lower() folds ASCII letters only: copies of one story share their capitals).
    """
    if not text.isascii():
        text = _HASH_ODD_SPACES.sub(" ", _HASH_DROPPED_TYPOGRAPHIC.sub("", text))
    data = text.encode("utf-8", "surrogatepass")
    data = data.lower().translate(_HASH_SPACES, _HASH_DROPPED_ASCII).strip()
    while b"  " in data:  # a few C-speed passes; split() and join() would build a list of every word
        data = data.replace(b"  ", b" ")
    return data


def content_hash(text: str, title: str = "") -> str:
    """sha256 of the normalised text: the same story syndicated by two feeds hashes the same."""
    normalised = normalise_for_hash(text)
    if len(normalised) < SHORT_TEXT:
        normalised = normalise_for_hash(title) + b"\x1f" + normalised
    return hashlib.sha256(normalised).hexdigest()
