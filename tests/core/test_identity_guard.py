"""The guard catches every valid national identity number and nothing else."""

from __future__ import annotations

from datetime import date

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


def test_is_national_id_accepts_spacing_and_rejects_bad_checksum():
    assert is_national_id("151086 95088")
    assert is_national_id("151086.95088")
    assert not is_national_id("15108695077")
    assert not is_national_id("1510869508")
