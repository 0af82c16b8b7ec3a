#!/usr/bin/env bash
# The main job on a fresh machine: install ctadata, start the local development service with
# sample data, and open JupyterLab with the CTA Storage panel on it.
#   CTADATA_DEMO_DIR   where storage, state and the JupyterLab workspace live (~/ctadata-demo)
#   CTADATA_LAB_PORT   JupyterLab's port (8888)
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[local]"

demo=${CTADATA_DEMO_DIR:-$HOME/ctadata-demo}
mkdir -p "$demo/storage" "$demo/workspace"
ready="$demo/service.json"
rm -f "$ready"
python3 -m ctadata.devservice --storage "$demo/storage" --state "$demo/state" \
    --sample-data --ready-json > "$ready" &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null' EXIT
for _ in $(seq 300); do [ -s "$ready" ] && break; sleep 0.2; done
[ -s "$ready" ] || { echo "the local service did not start" >&2; exit 1; }

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$ready" "$1"; }
export CTADS_URL=$(field downloadservice) CTACS_URL=$(field certificateservice)
export JUPYTERHUB_API_TOKEN=$(field token) JUPYTERHUB_USER="CTA Demo"

echo "Local service: $CTADS_URL (storage: $demo/storage)"
echo "A short tour of the CLI:"
set -x
cta-data list -l lst/DL1/
cta-data get -r lst/DL1/20241114/ --to "$demo/workspace/cli-demo"
{ set +x; } 2>/dev/null

exec_lab=(jupyter lab --no-browser --ip=127.0.0.1 --port="${CTADATA_LAB_PORT:-8888}"
          --ServerApp.root_dir="$demo/workspace")
[ "$(id -u)" = 0 ] && exec_lab+=(--allow-root)
"${exec_lab[@]}"
