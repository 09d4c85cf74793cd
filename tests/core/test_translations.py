"""Every interface string has a bokmål translation, and the catalogue has no leftovers."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "avvik" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def extract_messages(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
        "-o", str(pot), "--no-location", "--ignore-dirs", ".* node_modules instance",
        str(ROOT),
    ])
    with pot.open("rb") as handle:
        return read_po(handle)


def test_every_interface_string_has_a_bokmal_translation(tmp_path: Path):
    template = extract_messages(tmp_path)
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="nb")
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        untranslated = translated is None or translated.fuzzy or not (
            all(translated.string) if isinstance(message.id, tuple) else translated.string)
        if untranslated:
            missing.append(message.id)
    assert missing == [], f"{len(missing)} strings lack a bokmål translation: {missing[:10]}"
