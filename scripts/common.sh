# Sourced by run.sh and test.sh (from the top of the checkout): the Debian packages, the
# virtual environment and the install of ctadata that both need. Every step is skipped when
# it is done already, so a second run is quick.

# apt_install PACKAGE...: as root, or with sudo; when neither works, the command to run.
apt_install() {
    local as=(env)
    [ "$(id -u)" = 0 ] || as=(sudo env)
    if command -v apt-get >/dev/null && command -v "${as[0]}" >/dev/null; then
        echo "Installing the Debian packages $* ..."
        "${as[@]}" apt-get update -qq &&
            "${as[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null &&
            return
    fi
    echo "Could not install $*. Run this as root, then run this script again:" >&2
    echo "    apt-get update && apt-get install -y $*" >&2
    exit 1
}

# Every later step (pip, jupyter, jlpm, cta-data, pytest) runs in a virtual environment: the
# active one, else .venv here. System Pythons refuse `pip install` outside one (PEP 668).
use_venv() {
    if [ -z "${VIRTUAL_ENV:-}" ]; then
        if ! .venv/bin/python -c "import pip" 2>/dev/null; then
            command -v python3 >/dev/null || apt_install python3 python3-venv
            # Debian and Ubuntu ship venv's ensurepip apart, in python3.X-venv.
            python3 -c "import ensurepip" 2>/dev/null ||
                apt_install "python3.$(python3 -c 'import sys; print(sys.version_info[1])')-venv"
            echo "Creating the virtual environment .venv ..."
            python3 -m venv --clear .venv
        fi
        VIRTUAL_ENV=$PWD/.venv
    fi
    export VIRTUAL_ENV PATH="$VIRTUAL_ENV/bin:$PATH"
    if ! python -c "import sys; sys.exit(sys.version_info < (3, 10))"; then
        echo "ctadata needs Python 3.10 or newer; $(command -v python) is $(python -V 2>&1)." >&2
        exit 1
    fi
}

# Building the JupyterLab extension from its sources needs Node.js 18 or newer (and nothing
# else: jlpm, the package manager, comes with the jupyterlab Python package).
need_node() {
    command -v node >/dev/null || apt_install nodejs
    if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
        echo "Node.js $(node --version) is too old: building the JupyterLab extension needs" \
            "Node.js 18 or newer (https://nodejs.org/en/download)." >&2
        exit 1
    fi
}

# install_project EXTRA: `pip install -e .[EXTRA]`, which builds the labextension with jlpm.
# Skipped when neither the packaging nor the frontend's sources changed since the last install
# into this environment; a clean clone has no stamp, so it always builds from scratch.
install_project() {
    local extra=$1 sources
    sources=$({
        echo "$VIRTUAL_ENV"
        find pyproject.toml package.json yarn.lock tsconfig.json src style schema -type f -print0 |
            sort -z | xargs -0 sha256sum
    } | sha256sum)
    if [ "$(cat ".install-stamp.$extra" 2>/dev/null)" = "$sources" ] &&
        [ -f ctadata_lab/labextension/package.json ] && [ -d node_modules ]; then
        return
    fi
    need_node
    echo "Installing ctadata[$extra] into $VIRTUAL_ENV (builds the JupyterLab extension) ..."
    rm -f .install-stamp.*
    python -m pip install --quiet --disable-pip-version-check -e ".[$extra]"
    echo "$sources" >".install-stamp.$extra"
    # ctadata[test] includes ctadata[hub], which includes ctadata[local].
    [ "$extra" != test ] || echo "$sources" >.install-stamp.hub
    [ "$extra" = local ] || echo "$sources" >.install-stamp.local
}

# The demo hub's proxy: configurable-http-proxy (npm), into scripts/proxy/node_modules, where
# `python -m ctadata.devservice.hub` finds it. jlpm (from jupyterlab) installs it.
install_proxy() {
    [ -x scripts/proxy/node_modules/.bin/configurable-http-proxy ] && return
    need_node
    echo "Installing configurable-http-proxy (npm) into scripts/proxy ..."
    (cd scripts/proxy && jlpm install >/dev/null)
}
