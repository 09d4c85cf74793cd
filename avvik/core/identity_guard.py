"""Find Norwegian national identity numbers in free text, so that none is ever stored.

A hit is 11 digits - written together, or with one space or dot after the six birth
digits - whose two check digits are right (fødselsnummer, D-nummer, H-nummer), as
python-stdnum computes them. Numbers with a wrong check digit are not flagged: order
numbers and phone numbers must pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.no import fodselsnummer

# Not preceded or followed by another digit: part of a longer number is no hit.
CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ .]?(\d{5})(?!\d)")


@dataclass(frozen=True)
class IdentityNumberHit:
    start: int  #: index of the first character in the text
    end: int  #: index after the last character
    text: str  #: the number as written

    @property
    def position(self) -> int:
        """1-based character position, as shown to the user."""
        return self.start + 1


def find_identity_numbers(text: str | None) -> list[IdentityNumberHit]:
    """Every national identity number in ``text``, in order of appearance."""
    if not text:
        return []
    hits = []
    for match in CANDIDATE.finditer(text):
        digits = match.group(1) + match.group(2)
        if fodselsnummer.is_valid(digits):
            hits.append(IdentityNumberHit(match.start(), match.end(), match.group(0)))
    return hits


def is_national_id(value: str) -> bool:
    """Whether ``value`` (spaces, dots allowed) is a valid fødselsnummer or D-nummer."""
    digits = re.sub(r"[ .]", "", value or "")
    return len(digits) == 11 and fodselsnummer.is_valid(digits)
