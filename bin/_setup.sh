# Sourced by bin/serve and bin/test: a virtualenv in .venv with the project installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.turkicnet-installed
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing TurkicNet and its dependencies"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test,prod]"
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
export FLASK_APP=wsgi
# The interface's languages: compiled from the catalogues on every run (a second, no network).
pybabel -q compile -d turkicnet/translations
