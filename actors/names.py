"""Name normalisation shared by every matcher: case- and diacritic-insensitive, punctuation folded.

"Erdoğan", "ERDOGAN" and "Erdogan" all normalise to "erdogan"; "Ma'arrat an-Nu'man" to "maarrat an numan".
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophes and transliteration marks (ayn, hamza) vanish ("Ma'arrat" = "Maarrat"); other punctuation is a space.
_DROP = dict.fromkeys(map(ord, "'\u2019\u2018`\u02bf\u02be\u00b4"), None)
_NON_WORD = re.compile(r"[^\w]+")
# Letters that NFKD does not decompose to an ASCII base.
_EXTRA = str.maketrans({"\u0131": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})


def normalize_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_DROP).translate(_EXTRA))
    # ASCII has no combining marks: skip the per-character pass for most text (statement keys hash whole quotes).
    stripped = decomposed if decomposed.isascii() else "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).replace("_", " ").strip()
