"""Free text as people meant it: without the invisible characters that change how the
rest of a page reads.

Control characters (an escape, a bell, NUL) and the bidirectional overrides, embeddings
and isolates (U+202A-U+202E, U+2066-U+2069) are removed from whatever a form or the API
receives: a U+202E in a comment would turn the following text around on every page that
shows it. Line breaks and tabs stay; so do the zero-width joiners some scripts need.
"""

from __future__ import annotations

import re

#: C0 controls but tab, line feed and carriage return; DEL; C1 controls; bidi controls.
INVISIBLE_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """``text`` with the control and direction-changing characters removed."""
    return INVISIBLE_CONTROLS.sub("", text)


def clean_text_filter(value: object) -> object:
    """A WTForms filter: the typed text without controls; other values as they are."""
    return without_controls(value) if isinstance(value, str) else value
