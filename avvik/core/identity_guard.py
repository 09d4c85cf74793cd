"""Find Norwegian national identity numbers in free text, so that none is ever stored.

A hit is 11 digits whose two check digits are right (fødselsnummer, D-nummer, H-nummer),
as python-stdnum computes them, however they are written: together, or with separators
between any of the digits (spaces and runs of them, no-break and other typographic
spaces, zero-width characters, dots, hyphens and dashes), in any script's digits.
``150385 10190``, ``150385-10190``, ``15.03.85 10190`` and ``150385 101 90`` are all one.

The digits of a hit are whole groups: a group of digits is never cut, so a number that is
part of a longer one (an account number) is no hit. Numbers with a wrong check digit are
not flagged: phone numbers, dates, times, case numbers and order numbers must pass.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stdnum.no import fodselsnummer

LENGTH = 11
#: What may stand between the digits of one number as written: white space (the no-break
#: and narrow spaces included), the invisible zero-width characters, dots, hyphens and
#: dashes. At most three in a row.
SEPARATOR = ("[\\s.\u00a0\u2007\u2009\u202f\u200b\u200c\u200d\u2060\ufeff"
             "\\-\u2010\u2011\u2012\u2013\u2014\u2212]")
#: Groups of digits joined by separators (the groups are found in it by GROUP).
WRITTEN_NUMBER = re.compile(rf"\d+(?:{SEPARATOR}{{1,3}}\d+)*")
GROUP = re.compile(r"\d+")


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
    hits: list[IdentityNumberHit] = []
    for written in WRITTEN_NUMBER.finditer(text):
        groups = [(m.start() + written.start(), m.end() + written.start(), _ascii(m.group()))
                  for m in GROUP.finditer(written.group())]
        hits.extend(_hits_in(text, groups))
    return hits


def _hits_in(text: str, groups: list[tuple[int, int, str]]) -> list[IdentityNumberHit]:
    """The runs of whole consecutive groups that make a valid number, left to right."""
    hits = []
    first = 0
    while first < len(groups):
        digits, hit_end = "", None
        for start_group in range(first, len(groups)):
            digits += groups[start_group][2]
            if len(digits) >= LENGTH:
                if len(digits) == LENGTH and fodselsnummer.is_valid(digits):
                    hit_end = start_group
                break
        if hit_end is None:
            first += 1
            continue
        start, end = groups[first][0], groups[hit_end][1]
        hits.append(IdentityNumberHit(start, end, text[start:end]))
        first = hit_end + 1
    return hits


def _ascii(digits: str) -> str:
    """Digits of any script as ASCII (a fullwidth ``１`` is a ``1``)."""
    return "".join(str(unicodedata.digit(character)) for character in digits)


def is_national_id(value: str) -> bool:
    """Whether ``value``, written in any of the ways above, is one valid fødselsnummer
    or D-nummer and nothing else."""
    value = (value or "").strip()
    hits = find_identity_numbers(value)
    return len(hits) == 1 and (hits[0].start, hits[0].end) == (0, len(value))
