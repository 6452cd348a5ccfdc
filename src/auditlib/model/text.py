"""Text helpers shared by every stage.

Why one home: titles, header labels, cell texts and narrative phrases are all compared with their
whitespace removed (producers letter-space and wrap them); one definition keeps every comparison
the same.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")


def squash(text: object) -> str:
    """The text without any whitespace ('' for None): 本 年 收入 → 本年收入."""
    return _WHITESPACE.sub("", "" if text is None else str(text))
