"""How guessable a password is, by zxcvbn's estimate over its vendored word lists, and
what to tell the person choosing it."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

#: zxcvbn's top score: at least 10^10 guesses. "Sommer2026!!" and "Passord2026!!" score 3
#: once the Norwegian words below are known, and are among the first an attacker tries.
MIN_SCORE = 4

#: zxcvbn refuses longer input; a longer password is judged by its start, which only
#: underestimates it.
MAX_CHECKED = 72

#: Words that passwords here are built from and that zxcvbn's English lists lack: seasons,
#: greetings, the workplaces, the largest towns, and this service's own name.
NORWEGIAN_WORDS = (
    "sommer", "vinter", "høst", "hoest", "vår", "vaar", "passord", "hemmelig", "velkommen",
    "norge", "helse", "helsenorge", "sykehus", "sykehuset", "kommune", "kommunen",
    "helseforetak", "oslo", "bergen", "trondheim", "stavanger", "tromsø", "avvik", "demo",
)

#: zxcvbn's warnings (its own English text) and how we say them.
WARNINGS = {
    "Straight rows of keys are easy to guess.":
        _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.":
        _l("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.':
        _l("Repeated characters are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _l("Repeated words are hardly harder to guess than the word once."),
    'Sequences like "abc" or "6543" are easy to guess.':
        _l("Sequences such as abc or 6543 are easy to guess."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are easy to guess."),
    "This is a top-10 common password.": _l("This is a very common password."),
    "This is a top-100 common password.": _l("This is a very common password."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.":
        _l("This is similar to a commonly used password."),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.":
        _l("Names are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Names are easy to guess."),
}


def guessable_problem(password: str, known: Iterable[str] = ()) -> str | None:
    """Why ``password`` is too easy to guess, with what to do instead; None when it is not.

    ``known`` adds words an attacker would try for this person (such as the user name).
    """
    # Imported here: its word lists take 13 MB, which only a process setting a password
    # needs (not every web worker and Celery worker at start-up).
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:MAX_CHECKED],
                    user_inputs=[*NORWEGIAN_WORDS, *(w for w in known if w)])
    if result["score"] >= MIN_SCORE:
        return None
    warning = WARNINGS.get(result["feedback"]["warning"])
    if warning is None:
        return str(_l("This password is too easy to guess. Use three or four uncommon "
                      "words, with spaces or hyphens between them."))
    return str(_l("This password is too easy to guess: %(reason)s Use three or four "
                  "uncommon words, with spaces or hyphens between them.", reason=warning))
