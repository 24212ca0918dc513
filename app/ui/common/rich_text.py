"""Text put into Qt's rich text (labels with links, bold names), escaped; and read back as plain text.

The standard library's `html.escape` would do, but importing `html` loads its table of 2,231 named
entities (0.5 MB for the life of the process) for `unescape`, which Ringside never needs in full:
the only entities in its labels are the ones `escape` writes, and `&nbsp;`.
"""

from __future__ import annotations

import re

_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&nbsp;": "\u00a0", "&amp;": "&"}
_ENTITY = re.compile("|".join(_ENTITIES))
_TAG = re.compile(r"<[^>]+>")


def escape(text: str, *, quote: bool = True) -> str:
    """`text` safe in rich text, as `html.escape` gives it: &, < and > always; quotes too for attributes."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("'", "&#x27;")
    return text


def plain(rich: str) -> str:
    """What a label made of escaped text and tags reads as: tags dropped, entities written back."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], _TAG.sub("", rich))
