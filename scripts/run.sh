#!/usr/bin/env bash
# The main job on a fresh machine: install ctadata, start the local development service with
# sample data, and open JupyterLab with the CTA Storage panel on it. Ctrl-C stops both.
# Outside a virtual environment, ctadata and JupyterLab go into .venv here.
#   CTADATA_DEMO_DIR   where storage, state, logs and JupyterLab's workspace live (~/ctadata-demo)
#   CTADATA_LAB_PORT   JupyterLab's port (8888, or the next free one)
#
# `run.sh --hub`: the multi-user deployment instead, on this machine: JupyterHub with its
# proxy, the services as hub services, users alice, bob (and carol, without the services'
# scope), each with their own JupyterLab (ctadata/devservice/hub.py; docs/deploy.md).
#   CTADATA_HUB_PORT   the hub's port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
use_venv
demo=${CTADATA_DEMO_DIR:-$HOME/ctadata-demo}

if [ "${1:-}" = --hub ]; then
    install_project hub
    install_proxy
    # It prints the hub's URL and the logins last; Ctrl-C stops the hub, the users' servers
    # and the services.
    exec python -m ctadata.devservice.hub --dir "$demo/hub" --port "${CTADATA_HUB_PORT:-0}"
fi

install_project local
port=${CTADATA_LAB_PORT:-8888}
mkdir -p "$demo/storage" "$demo/workspace"

field() { python -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }
answers() { python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1])" "$1"; }

# Whatever is started below is stopped on the way out: Ctrl-C, an error, or JupyterLab's end.
service='' jupyterlab=''
trap 'trap - EXIT; kill $service $jupyterlab 2>/dev/null || true; wait' EXIT
trap 'exit 130' INT TERM

ready="$demo/service.json"
rm -f "$ready"
python -m ctadata.devservice --storage "$demo/storage" --state "$demo/state" \
    --sample-data --ready-json >"$ready" 2>"$demo/service.log" &
service=$!
for _ in $(seq 300); do [ -s "$ready" ] || ! kill -0 $service 2>/dev/null && break; sleep 0.2; done
if [ ! -s "$ready" ]; then
    tail "$demo/service.log" >&2
    echo "the local service did not start" >&2
    exit 1
fi

export CTADS_URL=$(field "$ready" downloadservice) CTACS_URL=$(field "$ready" certificateservice)
export JUPYTERHUB_API_TOKEN=$(field "$ready" token) JUPYTERHUB_USER="CTA Demo"

echo "Local service: $CTADS_URL (storage: $demo/storage)"
echo "A short tour of the CLI:"
set -x
cta-data list -l lst/DL1/
cta-data get -r lst/DL1/20241114/ --to "$demo/workspace/cli-demo"
{ set +x; } 2>/dev/null

# A demo, not the user's own lab: its own settings (no "Jupyter news?" prompt, no update
# check) and layout. The token goes in the environment, where `ps` does not show it.
settings="$demo/lab-settings/@jupyterlab/apputils-extension"
mkdir -p "$settings"
[ -f "$settings/notification.jupyterlab-settings" ] ||
    echo '{"fetchNews": "false", "checkForUpdates": false}' \
        >"$settings/notification.jupyterlab-settings"
# The first layout shows the CTA Storage panel; later runs keep the user's own.
workspaces="$demo/lab-workspaces"
if [ -z "$(ls -A "$workspaces" 2>/dev/null)" ]; then
    jupyter lab workspaces import --WorkspaceImportApp.workspaces_dir="$workspaces" \
        scripts/demo-workspace.json >/dev/null 2>&1 ||
        echo "(the demo's first layout could not be set: open the CTA Storage tab yourself)" >&2
fi
lab=(jupyter lab --no-browser --ip=127.0.0.1 --port="$port"
    --ServerApp.root_dir="$demo/workspace" --LabApp.user_settings_dir="$demo/lab-settings"
    --LabApp.workspaces_dir="$workspaces")
[ "$(id -u)" != 0 ] || lab+=(--allow-root)
token=$(python -c "import secrets; print(secrets.token_urlsafe(24))")
JUPYTER_TOKEN=$token "${lab[@]}" </dev/null >"$demo/jupyterlab.log" 2>&1 &
jupyterlab=$!
# Its server file says on which port it listens (the next free one when $port is taken).
server="$(jupyter --runtime-dir)/jpserver-$jupyterlab.json"
until [ -s "$server" ] && url=$(field "$server" url 2>/dev/null) && answers "${url}api" 2>/dev/null
do
    kill -0 $jupyterlab 2>/dev/null || {
        tail "$demo/jupyterlab.log" >&2
        echo "JupyterLab did not start" >&2
        exit 1
    }
    sleep 0.5
done
echo "JupyterLab serves the CTA Storage panel (log: $demo/jupyterlab.log); Ctrl-C stops it."
echo "Open:"
echo "${url}lab?token=$token"
wait $jupyterlab
