#!/bin/sh
# Extract every marked interface string and merge it into the bokmål catalogue.
# Then fill the empty msgstr entries in avvik/translations/nb/LC_MESSAGES/messages.po
# and compile:  .venv/bin/pybabel compile -d avvik/translations
set -eu
cd "$(dirname "$0")/.."
pot=$(mktemp --suffix=.pot)
.venv/bin/pybabel extract -F babel.cfg -k _l -o "$pot" --no-location \
    --ignore-dirs ".* node_modules instance" . >/dev/null 2>&1
.venv/bin/pybabel update -i "$pot" -d avvik/translations -l nb --no-fuzzy-matching \
    --ignore-obsolete >/dev/null 2>&1
rm -f "$pot"
printf 'untranslated: '
.venv/bin/python - <<'PY'
from babel.messages.pofile import read_po
with open("avvik/translations/nb/LC_MESSAGES/messages.po", "rb") as f:
    catalog = read_po(f)
print(sum(1 for m in catalog if m.id and not (all(m.string) if isinstance(m.id, tuple) else m.string)))
PY
