"""A hub's single-user server stops on SIGINT as on SIGTERM: transfers suspended, to resume.

JupyterHub's spawners stop a server with SIGINT first (SIGTERM only 10 s later).
jupyter_server handles SIGINT only when its stdin is a terminal (to ask "Shutdown?"); a
spawned server has none, so Python's KeyboardInterrupt ends the event loop without stopping
the extensions, and the transfers' worker threads, never told to stop, hold the process until
their downloads end (measured: 58 s to stop a server mid-way through 512 MiB at 8 MiB/s,
the download completed instead of suspended). jupyterhub-singleuser means SIGINT to stop
the server (it maps its handler to the server's stop); this makes it so without a terminal.
"""

from __future__ import annotations

import os
import signal
from typing import Any


def stop_on_sigint(serverapp: Any) -> None:
    """In a hub-spawned server only, and only over Python's default SIGINT handler."""
    if "JUPYTERHUB_SERVICE_PREFIX" not in os.environ:
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # a terminal's "Shutdown?" prompt, or another handler: left alone

    def stop(signum: int, frame: object) -> None:
        serverapp.stop(from_signal=True)

    signal.signal(signal.SIGINT, stop)
