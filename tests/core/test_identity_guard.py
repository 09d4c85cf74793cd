"""The guard catches every valid national identity number and nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from avvik.core.identity_guard import find_identity_numbers, is_national_id

# Individual-number ranges by century, as the Norwegian registry assigns them.
CENTURIES = [(1900, 1999, 0, 499), (2000, 2039, 500, 999)]


@st.composite
def valid_identity_numbers(draw: st.DrawFn) -> str:
    first_year, last_year, low, high = draw(st.sampled_from(CENTURIES))
    born = draw(st.dates(min_value=date(first_year, 1, 1),
                         max_value=min(date(last_year, 12, 31), date(2025, 12, 31))))
    individual = draw(st.integers(min_value=low, max_value=high))
    day = born.day + (40 if draw(st.booleans()) else 0)  # D-nummer adds 40 to the day
    base = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
    check1 = fodselsnummer.calc_check_digit1(base)
    assume(check1 != "10")
    check2 = fodselsnummer.calc_check_digit2(base + check1)
    assume(check2 != "10")
    number = base + check1 + check2
    assert fodselsnummer.is_valid(number)
    return number


SEPARATORS = st.sampled_from(["", " ", "."])
FILLER = st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=40)


@given(number=valid_identity_numbers(), separator=SEPARATORS, before=FILLER, after=FILLER)
def test_every_valid_number_is_caught_where_it_stands(number, separator, before, after):
    written = number[:6] + separator + number[6:]
    text = before + written + after
    hits = find_identity_numbers(text)
    assert [(h.start, h.text) for h in hits] == [(len(before), written)]


@given(number=valid_identity_numbers(), position=st.sampled_from([9, 10]),
       shift=st.integers(min_value=1, max_value=9), separator=SEPARATORS)
def test_a_wrong_check_digit_is_never_flagged(number, position, shift, separator):
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    broken = "".join(digits)
    assume(not fodselsnummer.is_valid(broken))
    assert find_identity_numbers(f"Ordrenr {broken[:6]}{separator}{broken[6:]} ok") == []


def test_digits_inside_a_longer_number_are_not_a_hit():
    assert find_identity_numbers("konto 1151086950881 og 915108695088") == []


def test_two_numbers_are_both_reported_in_order():
    text = "151086 95088 og 15108695088"
    assert [hit.position for hit in find_identity_numbers(text)] == [1, 17]


#: Ways people separate the digits, typed or pasted: runs of spaces, the no-break, narrow
#: and figure spaces, zero-width characters, dots, hyphens and dashes.
GAPS = st.sampled_from(["", "", "", " ", "  ", "   ", ".", "-", " - ", "\u00a0", "\u202f",
                        "\u2007", "\u200b", "\u2060", "\ufeff", "\u2011", "\u2013", ". "])


def _written(number: str, gaps: list[str]) -> str:
    return "".join(digit + gap for digit, gap in zip(number, [*gaps, ""], strict=True))


@given(number=valid_identity_numbers(), gaps=st.lists(GAPS, min_size=10, max_size=10),
       before=FILLER, after=FILLER)
def test_separators_between_any_digits_still_make_a_hit(number, gaps, before, after):
    written = _written(number, gaps)
    hits = find_identity_numbers(before + " " + written + " " + after)
    assert [(h.start, h.text) for h in hits] == [(len(before) + 1, written)]
    assert is_national_id(written)


@given(number=valid_identity_numbers(), position=st.integers(min_value=0, max_value=10),
       shift=st.integers(min_value=1, max_value=9),
       gaps=st.lists(GAPS, min_size=10, max_size=10))
def test_a_changed_digit_is_never_flagged_however_written(number, position, shift, gaps):
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    broken = "".join(digits)
    assume(not fodselsnummer.is_valid(broken))
    assert find_identity_numbers(f"Ordrenr {_written(broken, gaps)} ok") == []


@pytest.mark.parametrize("written", [
    "150385-10190", "15.03.85 10190", "150385 101 90", "15.10.86 95088", "151086  95088",
    "151086\u00a095088", "151086\u200b95088",
    "151086 950 88", "1 5 1 0 8 6 9 5 0 8 8", "151086\u202f950\u202f88",
    "１５１０８６９５０８８",  # fullwidth digits
])
def test_the_forms_a_probe_stored_are_caught(written):
    assert [hit.text for hit in find_identity_numbers(f"Pasient {written}.")] == [written]


@pytest.mark.parametrize("text", [
    "Ring 22 33 44 55 eller +47 915 12 345 i kveld.",
    "Tlf. 915 12 345 / 22 33 44 55, faks 22-33-44-56.",
    "Skjedde 15.03.2025 kl. 10.30, meldt 16.03.2025 kl 08:15.",
    "Utskrevet 15.03.85 kl 10:19 ifølge epikrisen.",
    "Se SA-2026-01623 og SA-2025-00018, også sak 2026-01624.",
    "Dosering 2 x 500 mg 3 ganger daglig i 10 dager, 1. gang 08.00.",
    "Ordrenr 1151086950881 og konto 1503.85.101905.",
])
def test_phone_numbers_dates_times_and_case_numbers_pass(text):
    assert find_identity_numbers(text) == []


def test_is_national_id_accepts_spacing_and_rejects_bad_checksum():
    assert is_national_id("151086 95088")
    assert is_national_id("151086.95088")
    assert not is_national_id("15108695077")
    assert not is_national_id("1510869508")
    assert not is_national_id("151086 95088 og 151086 95088")  # one number, nothing else
