#!/usr/bin/env bash
# Create .venv and install the Python packages (pinned, CPU torch) and the npm packages (lock file).
# Usage: scripts/setup.sh [extras]   e.g. "test". Re-running is fast: each step is skipped while
# the file it installs from is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

python_bin="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$python_bin" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Parameter Lab needs Python 3.11"'
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv

spec="."; [ -n "$extras" ] && spec=".[$extras]"
python_stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras:-base}"
if [ ! -f "$python_stamp" ]; then
  echo "setup: installing Python packages ($spec) into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check -e "$spec"
  touch "$python_stamp"
fi

npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  echo "setup: installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
# Served from /static/vendor; built here (not committed) so the app never reaches out to a CDN.
bash scripts/build-frontend.sh
