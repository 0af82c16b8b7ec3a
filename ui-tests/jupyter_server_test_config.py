"""The Jupyter server of the browser tests.

Galata's test settings, a port and a token from the environment (run.sh picks them), the
ctadata server extension, and the project's development service (WebDAV storage, download and
certificate services) over a small sample tree, which the extension is pointed at.

CTADATA_UI_MODE=storage: a valid token. CTADATA_UI_MODE=not-authenticated: a token the service
refuses, for the "not authenticated" message.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

from ctadata.devservice import DevService

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

configure_jupyter_server(c)

MODE = os.environ.get("CTADATA_UI_MODE", "storage")

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ["CTADATA_UI_PORT"])
c.IdentityProvider.token = os.environ["CTADATA_UI_TOKEN"]
c.ServerApp.allow_root = True
c.ServerApp.disable_check_xsrf = False  # as in production
c.ServerApp.jpserver_extensions.update({"ctadata_lab": True})
c.ServerApp.log_level = "ERROR"  # the test report, not every request, is what CI shows
# No calls to the internet, no news pop-ups, and user settings (the theme) kept out of ~.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.user_settings_dir = tempfile.mkdtemp(prefix="ctadata-ui-settings-")

# -- the development service -------------------------------------------------------------------
storage = (
    Path(os.environ.get("CTADATA_UI_STORAGE") or tempfile.mkdtemp(prefix="ctadata-ui-storage-"))
    / MODE
)
if storage.exists():
    shutil.rmtree(storage)
storage.mkdir(parents=True)


def extra_sample_data(root: Path) -> None:
    """What the sample tree lacks for the UI tests: a long folder and a slow download."""
    big = root / "lst" / "big"
    big.mkdir(parents=True, exist_ok=True)
    for i in range(10_000):
        (big / f"file_{i:05d}.dat").write_bytes(b"")
    write_zeros_hdf5(root / "lst" / "hostile" / "zeros.h5")
    huge = root / "lst" / "huge"
    huge.mkdir(parents=True, exist_ok=True)
    with (huge / "big.bin").open("wb") as f:
        f.truncate(4 * 1024**3)  # sparse: 4 GiB that cost no disk, enough to cancel mid-way


def write_zeros_hdf5(path: Path) -> None:
    """A 1-D dataset of 128 MiB of gzip'd zeros in 130 kB: more than one preview answer."""
    import zlib

    import h5py

    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = 1024 * 1024  # float64 items: 8 MiB a chunk
    packed = zlib.compress(bytes(8 * chunk), 9)
    with h5py.File(path, "w") as h5:
        zeros = h5.create_dataset(
            "zeros", (16 * chunk,), "<f8", chunks=(chunk,), compression="gzip"
        )
        for n in range(16):
            zeros.id.write_direct_chunk((n * chunk,), packed)


service = DevService(storage, sample_data=True, large_file=False).start()
atexit.register(service.stop)
if MODE == "storage":
    extra_sample_data(storage)

os.environ["CTADS_URL"] = service.downloadservice
os.environ["CTACS_URL"] = service.certificateservice
os.environ["JUPYTERHUB_USER"] = service.users[0].name
os.environ["JUPYTERHUB_API_TOKEN"] = (
    service.token if MODE == "storage" else "a-token-the-service-does-not-know"
)
print(f"ctadata UI tests ({MODE}): storage {storage}, service {service.downloadservice}")
