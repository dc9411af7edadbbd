# Sourced by run.sh and test.sh: make .venv with the project installed (EXTRAS says which extras).
# Needs only Python 3.11+; on Debian/Ubuntu, python3-venv is installed when it is missing and we are root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Tender Screening needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  echo "Install it, or point PYTHON at one: PYTHON=python3.12 $0" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing python3-venv (Debian/Ubuntu ship Python without it)..." >&2
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv .venv
    else
      echo "Python's venv module is missing: run 'sudo apt-get install python3-venv' and try again." >&2
      exit 1
    fi
  fi
fi

EXTRAS=${EXTRAS:-}
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${EXTRAS:-base}"
if [ ! -f "$stamp" ]; then
  echo "Installing Tender Screening and its dependencies into .venv ..." >&2
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
