"""The retry policy of one transfer: transient failures are tried again, a cancel is not."""

from __future__ import annotations

import threading

import httpx
import pytest

from ctadata import retry
from ctadata.errors import Cancelled, ServiceUnreachable


def refused(tries: list[int]) -> None:
    tries.append(1)
    raise httpx.ConnectError("refused", request=httpx.Request("GET", "https://dcache.test/a"))


def test_transient_failures_are_tried_again_until_the_retries_run_out(monkeypatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_SECONDS", 0.001)
    tries: list[int] = []
    with pytest.raises(ServiceUnreachable, match=r"dcache\.test"):
        retry.with_retries(lambda: refused(tries), "lst/a.h5", threading.Event())
    assert len(tries) == retry.RETRIES + 1


def test_a_cancel_ends_the_back_off_without_another_try() -> None:
    cancel = threading.Event()
    cancel.set()  # as a cancel that cut the connection leaves it
    tries: list[int] = []
    with pytest.raises(Cancelled, match=r"lst/a\.h5"):
        retry.with_retries(lambda: refused(tries), "lst/a.h5", cancel)
    assert len(tries) == 1
