"""What "no script survives" means for a stored article, checked on its parsed HTML and its plain fields."""

from __future__ import annotations

import html
import re

import lxml.html

SCRIPT = re.compile(r"<\s*/?\s*script", re.IGNORECASE)
ACTIVE_ELEMENTS = {"script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "base", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
# Browsers ignore control characters and spaces inside a scheme: "java\tscript:" is "javascript:".
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def html_problems(markup: str) -> list[str]:
    problems = [f"script tag in {markup[:200]!r}"] if SCRIPT.search(markup) else []
    if not markup.strip():
        return problems
    for element in lxml.html.fragment_fromstring(markup, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ACTIVE_ELEMENTS:
            problems.append(f"<{element.tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler {name}={value!r}")
            if name.lower() in URL_ATTRIBUTES:
                url = INVISIBLE.sub("", html.unescape(value)).lower()
                if url.startswith(("javascript:", "vbscript:", "data:")):
                    problems.append(f"{name}={value!r}")
    return problems


def assert_safe(article) -> None:
    """Nothing in what pages show of the article can run: no script element, handler or script URL."""
    for field in ("title", "text", "author"):
        assert not SCRIPT.search(getattr(article, field)), f"script in {field}: {getattr(article, field)[:200]!r}"
    assert not html_problems(article.html), html_problems(article.html)
    assert not article.url or article.url.startswith(("http://", "https://")), article.url
