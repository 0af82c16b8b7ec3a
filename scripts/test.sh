#!/usr/bin/env bash
# Set up everything on a fresh machine and run every test: lint, pytest, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

ruff check .
ruff format --check .
python3 -m pytest -q -p no:cacheprovider
