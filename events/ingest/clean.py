"""Turn an entry's HTML into what we store: sanitised HTML, clean plain text, a canonical URL and a content hash.

One pass of lxml over the entry removes site furniture (share/print toolbars, "More news:" / "Read more" /
"Related" lines and link lists, bylines, photo credits: the rules are data, in ``junk_patterns.json``) and yields
the text with its paragraphs; nh3 then sanitises the remaining HTML as the last step, so whatever lxml made of
odd markup, nothing leaves this module that nh3 has not passed (no script or style, no ``on*`` attribute, no
``javascript:`` URL).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html
import nh3

JUNK_PATTERNS_FILE = Path(__file__).with_name("junk_patterns.json")

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

_WHITESPACE = re.compile(r"\s+")
# Where an HTML tokenizer would start markup: "<" then a letter, "/", "!" or "?" ("a < b" is text).
_MARKUP_START = re.compile(r"<[/!?A-Za-z]")
_MARKUP = re.compile(r"<[/!?A-Za-z][^>]*>?")
# Characters no HTML or database text may hold (lxml refuses them, PostgreSQL refuses NUL).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class JunkRules:
    lines: tuple[re.Pattern[str], ...]
    list_heading: re.Pattern[str]
    class_or_id: re.Pattern[str]
    max_line_chars: int

    def is_junk_line(self, line: str) -> bool:
        return len(line) <= self.max_line_chars and any(p.search(line) for p in self.lines)


@lru_cache(maxsize=1)
def junk_rules() -> JunkRules:
    data = json.loads(JUNK_PATTERNS_FILE.read_text(encoding="utf-8"))
    return JunkRules(
        lines=tuple(
            re.compile(rule["pattern"], 0 if rule.get("case_sensitive") else re.IGNORECASE) for rule in data["lines"]
        ),
        list_heading=re.compile(data["list_headings"], re.IGNORECASE),
        class_or_id=re.compile(data["class_or_id"], re.IGNORECASE),
        max_line_chars=int(data["max_line_chars"]),
    )


@dataclass(frozen=True)
class CleanContent:
    html: str  # sanitised, safe to render
    text: str  # plain text, paragraphs separated by a blank line, lines within one by a newline


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def plain_text_to_html(text: str) -> str:
    """Plain text (blank-line paragraphs, newline-separated lines) as equivalent HTML."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in p.splitlines() if line.strip()) + "</p>"
        for p in paragraphs
    )


def _parse_fragment(markup: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _remove(element: lxml.html.HtmlElement) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _element_text(element: lxml.html.HtmlElement) -> str:
    return _collapse("".join(element.itertext()))


def _drop_junk_lines(block: lxml.html.HtmlElement, rules: JunkRules) -> None:
    """Inside a block, drop each <br>-separated line that is furniture (e.g. three "More news:" lines)."""
    lines: list[list[lxml.html.HtmlElement]] = [[]]
    breaks: list[lxml.html.HtmlElement] = []
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


def _strip_furniture(root: lxml.html.HtmlElement, base_url: str) -> None:
    rules = junk_rules()
    for element in list(root.iter(*NON_CONTENT_TAGS)):
        _remove(element)
    for element in list(root.iter(lxml.etree.Element)):
        if element is root:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}".strip()
        if marker and rules.class_or_id.search(marker):
            _remove(element)
    # Elements inside one removed here are judged too (wasted, harmless): checking attachment costs more.
    for element in list(root.iter(*BLOCK_TAGS)):
        if any(child.tag in BLOCK_TAGS for child in element):
            continue  # not a leaf block: its leaf blocks are judged one by one
        _drop_junk_lines(element, rules)
        text = _element_text(element)
        if not text:
            continue
        if rules.list_heading.search(text) and len(text) <= rules.max_line_chars:
            following = element.getnext()
            if following is not None and following.tag in LIST_TAGS:
                _remove(following)
            _remove(element)
        elif rules.is_junk_line(text):
            if element is root:
                root.clear()
            else:
                _remove(element)
    if base_url:
        for link in root.iter("a"):
            href = (link.get("href") or "").strip()
            if href and not urlsplit(href).scheme and not href.startswith("#"):
                link.set("href", urljoin(base_url, href))


def _text_of_tree(root: lxml.html.HtmlElement) -> str:
    """Plain text of a tree: blocks become paragraphs, <br> a line break. Iterative, so nesting depth is harmless."""
    paragraphs: list[list[str]] = [[""]]

    def new_paragraph() -> None:
        if paragraphs[-1] != [""]:
            paragraphs.append([""])

    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                new_paragraph()
            elif tag == "br":
                paragraphs[-1].append("")
            if element.text and tag:
                paragraphs[-1][-1] += element.text
        else:
            if tag in BLOCK_TAGS:
                new_paragraph()
            if element.tail and element is not root:
                paragraphs[-1][-1] += element.tail
    rules = junk_rules()
    out = []
    for lines in paragraphs:
        kept = [line for line in map(_collapse, lines) if line and not rules.is_junk_line(line)]
        if kept:
            out.append("\n".join(kept))
    return "\n\n".join(out)


def defang_text(text: str) -> str:
    """Plain text that still looks like markup (double-escaped feeds) loses the tags, not the words."""
    for _ in range(3):
        if not _MARKUP_START.search(text):
            return text
        text = html.unescape(TEXT_ONLY.clean(text))
    return _MARKUP.sub("", text)


def storable(text: str) -> str:
    """``text`` without control characters or lone surrogates, so lxml and the database accept it."""
    text = _CONTROL_CHARACTERS.sub("", text)
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def clean_content(markup: str, *, is_html: bool = True, base_url: str = "") -> CleanContent:
    """Sanitised HTML and clean plain text of an entry body, site furniture removed."""
    markup = storable(markup)
    if not markup.strip():
        return CleanContent("", "")
    if not is_html or "<" not in markup:
        # Plain text (or HTML without a single tag): its line breaks are its structure.
        markup = plain_text_to_html(html.unescape(markup) if is_html else markup)
    root = _parse_fragment(markup)
    if root is None:
        text = defang_text(html.unescape(TEXT_ONLY.clean(markup)))
        return CleanContent(SANITIZER.clean(markup), text)
    _strip_furniture(root, base_url)
    text = defang_text(_text_of_tree(root))
    safe_html = SANITIZER.clean(lxml.html.tostring(root, encoding="unicode"))
    return CleanContent(safe_html, text)


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


def normalise_for_hash(text: str) -> str:
    """Text reduced to its words (NFKC, case-folded, punctuation and spacing ignored)."""
    return _collapse(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()))


def content_hash(text: str, title: str = "") -> str:
    """sha256 of the normalised text: the same story syndicated by two feeds hashes the same."""
    normalised = normalise_for_hash(text)
    if len(normalised) < SHORT_TEXT:
        normalised = normalise_for_hash(title) + "\x1f" + normalised
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()
