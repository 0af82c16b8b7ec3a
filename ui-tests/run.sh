#!/usr/bin/env bash
# Browser tests of the CTA Storage panel: headless, with Debian's chromium.
#
# Needs ctadata installed with its server extension and the built labextension
# (`pip install .` or `pip install -e .` at the top of the repository), node with
# jlpm (comes with jupyterlab), and chromium (`apt-get install chromium`, or set
# CHROMIUM_PATH). Extra arguments go to `playwright test` (e.g. -g cancel).
# Screenshots of the main states: ui-tests/screenshots/; report: playwright-report/.
#
# `run.sh --hub [ARGS]`: the two-user test on a real JupyterHub (playwright-hub.config.js),
# which also needs jupyterhub (pip extra `hub`) and configurable-http-proxy (scripts/proxy/).
set -euo pipefail
cd "$(dirname "$0")"
config=playwright.config.js
if [ "${1:-}" = --hub ]; then
    config=playwright-hub.config.js
    shift
fi

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "run.sh: no chromium at $CHROMIUM_PATH (apt-get install chromium, or set CHROMIUM_PATH)" >&2
    exit 2
fi
# The Python whose Jupyter runs the servers (jlpm may change the PATH under us).
CTADATA_UI_PYTHON="$(python -c 'import sys; print(sys.executable)')"
export CTADATA_UI_PYTHON
if ! "$CTADATA_UI_PYTHON" -c "import ctadata_lab, ctadata.devservice" 2>/dev/null; then
    echo "run.sh: ctadata with its server extension is not installed (pip install -e .. first)" >&2
    exit 2
fi
if ! "$CTADATA_UI_PYTHON" -m jupyterlab.labextensions list 2>&1 | grep -Eq "ctadata-lab .*enabled.*OK"; then
    echo "run.sh: the ctadata-lab labextension is not installed (pip install -e .. first)" >&2
    exit 2
fi

free_port() {
    "$CTADATA_UI_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
CTADATA_UI_PORT="$(free_port)"
CTADATA_UI_NOAUTH_PORT="$(free_port)"
while [ "$CTADATA_UI_NOAUTH_PORT" = "$CTADATA_UI_PORT" ]; do
    CTADATA_UI_NOAUTH_PORT="$(free_port)"
done
CTADATA_UI_TOKEN="$("$CTADATA_UI_PYTHON" -c 'import secrets; print(secrets.token_hex(16))')"
CTADATA_UI_STORAGE="$(mktemp -d -t ctadata-ui-storage-XXXXXX)"
export CTADATA_UI_PORT CTADATA_UI_NOAUTH_PORT CTADATA_UI_TOKEN CTADATA_UI_STORAGE
trap 'rm -rf "$CTADATA_UI_STORAGE"' EXIT

# Playwright's own browsers are never downloaded: Debian's chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
jlpm install

[ "$config" != playwright.config.js ] || rm -rf screenshots
jlpm playwright test --config "$config" "$@"
