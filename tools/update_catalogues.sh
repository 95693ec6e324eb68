#!/usr/bin/env bash
# Refresh the catalogues after strings changed: extract every marked string of the code and
# templates into messages.pot, and merge it into each language's messages.po (new strings
# arrive untranslated; tests/core/test_catalogues.py then names each one to translate).
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k _n:1,2 --no-location --sort-output --ignore-dirs ".*" \
  -o turkicnet/translations/messages.pot .
pybabel -q update -i turkicnet/translations/messages.pot -d turkicnet/translations --no-fuzzy-matching \
  --ignore-obsolete
echo "catalogues updated: run pytest tests/core/test_catalogues.py"
