#!/usr/bin/env bash
# Set up everything on a fresh machine and run every test: lint, pytest, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

# The direct-access tests run Debian's oidc-agent, headless, against a test OpenID provider.
if ! command -v oidc-agent >/dev/null || ! command -v oidc-gen >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq oidc-agent-cli >/dev/null
fi

ruff check .
ruff format --check .
python3 -m pytest -q -p no:cacheprovider
