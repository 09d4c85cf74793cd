"""A date typed as day.month.year, read the same way in every browser and locale.

``<input type="date">`` shows the browser's own format: on an en-US browser it asks for
mm/dd/yyyy even on a bokmål page, and "5 December" typed the Norwegian way became 12 May.
A text field with its format written beside it means one thing everywhere. ISO dates
(yyyy-mm-dd) are read too, for scripts and pasted values; "/" is not, because 05/12 reads
as May in the United States and as December here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField

#: 5.12.2026, 05.12.26, 5,12,2026 (a phone's decimal key), 5-12-2026, 5 12 2026.
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[.,\- ]\s*(\d{1,2})\s*[.,\- ]\s*(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
#: 05122026 or 051226: a phone's numeric keypad may have no separator key.
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4}|\d{2})")


#: Beside a day field whose page has no room for the report form's own hint.
DAY_FORMAT_HINT = _l("dd.mm.yyyy, for example 05.12.2026")


class NotADay(ValueError):
    """The text is not a date in a format we read, or names a day that does not exist."""


def parse_day(text: str) -> date:
    """The date ``text`` names, day first (or ISO); ``NotADay`` if there is none."""
    text = text.strip().rstrip(".")
    if match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text) or _DIGITS.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise NotADay(str(_l("Write the date as dd.mm.yyyy, for example 05.12.2026.")))
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return date(full_year, int(month), int(day))
    except ValueError:
        raise NotADay(str(_l("There is no such day as %(day)s.%(month)s.%(year)d: check "
                             "the day and the month.", day=day.zfill(2),
                             month=month.zfill(2), year=full_year))) from None


def format_day(day: date) -> str:
    """The way the field shows a date: 05.12.2026."""
    return day.strftime("%d.%m.%Y")


class DayField(StringField):
    """A date field over a text input: dd.mm.yyyy shown, day-first or ISO read.

    What was typed comes back unchanged when it cannot be read, with the reason.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false",
                     **kwargs.pop("render_kw", {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = parse_day(str(valuelist[0]))
        except NotADay as error:
            raise ValueError(str(error)) from None

    def _value(self) -> str:
        if isinstance(self.data, date):
            return format_day(self.data)
        return self.raw_data[0] if self.raw_data else ""
