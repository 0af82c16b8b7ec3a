#!/usr/bin/env bash
# Set up everything on a fresh machine and run every test: lint, pytest, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium for the browser tests, oidc-agent for the direct-access tests
# (run for real, headless, against a test OpenID provider).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
{ command -v oidc-agent && command -v oidc-gen; } >/dev/null || missing+=(oidc-agent-cli)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The library, the server extension and the prebuilt JupyterLab extension (jlpm build).
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

ruff check .
ruff format --check .
jlpm lint:check
jlpm test

python3 -m pytest -q -p no:cacheprovider
bash ui-tests/run.sh
