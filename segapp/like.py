"""LIKE patterns written by hand: the one escape of ``%``, ``_`` and the escape character (backslash).

Where a plain "contains" or "starts with" will do, SQLAlchemy's ``icontains(..., autoescape=True)`` is simpler;
this is for patterns built from parts (the contact search's folded text, the filters' ``*`` and ``?``).
"""

LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    """``text`` with every character LIKE treats specially escaped, to be used with ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
