#!/usr/bin/env bash
# Set up everything on a fresh machine and run every test: lint, pytest, browser tests.
# Outside a virtual environment, ctadata and its tools go into .venv here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

# Debian packages: chromium for the browser tests, oidc-agent for the direct-access tests
# (run for real, headless, against a test OpenID provider).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
{ command -v oidc-agent && command -v oidc-gen; } >/dev/null || missing+=(oidc-agent-cli)
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"

# The library, the server extension and the JupyterLab extension built from src/ (jlpm build);
# the demo hub's proxy for the hub tests (tests/test_hub_auth.py, ui-tests/run.sh --hub).
use_venv
install_project test
install_proxy

ruff check .
ruff format --check .
# Types of ctadata/ and of the typed uses of its API in tests/typing/ ([tool.mypy] in pyproject.toml).
python -m mypy
jlpm lint:check
jlpm test

python -m pytest -q -p no:cacheprovider
bash ui-tests/run.sh
bash ui-tests/run.sh --hub
