"""Dask on `ctadata://`: worker processes read from the local service; no token travels.

The token from the environment must be in no pickled task or graph: each worker takes its own
(oidc-agent's: tests/test_direct.py). A token given explicitly travels with the tasks (the
control that shows the search for it would find it).
"""

# ruff: noqa: S301 (the pickles made here are loaded here)
from __future__ import annotations

import os
import pickle
from pathlib import Path

import cloudpickle
import dask
import dask.bag as db
import fsspec
import h5py
import numpy as np
import pytest
from distributed import Client, LocalCluster

from ctadata import APIClient, AuthenticationError
from ctadata.fs.filesystem import CtadataFileSystem

ROOT = "lst/dasktest"
N_FILES = 200
DATASET = "dl1/parameters/intensity"


@pytest.fixture(scope="module")
def h5_files(dev_service) -> dict[str, tuple[int, float, float]]:
    """200 HDF5 files in the storage; path -> (rows, sum, max) of their dataset, from numpy."""
    rng = np.random.default_rng(7)
    truth = {}
    for n in range(N_FILES):
        path = f"{ROOT}/run{n:03d}.h5"
        values = rng.random(int(rng.integers(100, 2000)))
        local = Path(dev_service.storage_dir) / path
        local.parent.mkdir(parents=True, exist_ok=True)
        with h5py.File(local, "w") as h5:
            h5.create_dataset(DATASET, data=values)
        truth[path] = (len(values), float(values.sum()), float(values.max()))
    return truth


@pytest.fixture
def service_token(dev_service, monkeypatch) -> str:
    """The token in the environment, as on the hub (worker processes inherit it)."""
    token = dev_service.users["alice"].token
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token)
    monkeypatch.setenv("CTADS_URL", dev_service.downloadservice)
    monkeypatch.setattr(APIClient, "downloadservice", dev_service.downloadservice)
    return token


def summary(path: str, fs: CtadataFileSystem) -> tuple[int, float, float]:
    """What a task computes from one file: rows, sum and max of its dataset."""
    with fs.open(path) as f, h5py.File(f, "r") as h5:
        values = h5[DATASET][:]
    return len(values), float(values.sum()), float(values.max())


def forget_token() -> None:
    os.environ.pop("JUPYTERHUB_API_TOKEN")


def aggregate(parts: list[tuple[int, float, float]]) -> tuple[int, float, float]:
    return sum(p[0] for p in parts), float(np.sum([p[1] for p in parts])), max(p[2] for p in parts)


def pickled_graphs(fs: CtadataFileSystem, paths: list[str]) -> list[bytes]:
    """The graphs of a bag and of delayed calls over `fs`, as pickle and cloudpickle make them."""
    bag = db.from_sequence(paths, npartitions=4).map(summary, fs)
    total = dask.delayed(aggregate)([dask.delayed(summary)(p, fs) for p in paths])
    (optimized,) = dask.optimize(bag)
    graphs = [dict(x.__dask_graph__()) for x in (bag, total, optimized)]
    return [dumps(g) for g in graphs for dumps in (pickle.dumps, cloudpickle.dumps)]


def test_a_token_from_the_environment_is_in_no_pickled_task_or_graph(service_token, h5_files):
    paths = sorted(h5_files)[:8]
    secret = service_token.encode()
    from_env = fsspec.filesystem("ctadata", skip_instance_cache=True)
    blobs = pickled_graphs(from_env, paths)
    blobs += [
        pickle.dumps(from_env),
        pickle.dumps(APIClient()),
        pickle.dumps(from_env.open(paths[0])),
    ]
    assert blobs and all(secret not in blob for blob in blobs)
    # The control: a token given explicitly travels, and the search above would have seen it.
    given = CtadataFileSystem(token=service_token, skip_instance_cache=True)
    assert all(secret in blob for blob in pickled_graphs(given, paths))
    assert secret in pickle.dumps(APIClient(token=service_token))
    # What travelled works where it lands: the same file, read through unpickled objects.
    assert pickle.loads(pickle.dumps(from_env)).cat_file(paths[0]) == given.cat_file(paths[0])
    with pickle.loads(pickle.dumps(APIClient())) as client:
        assert client.stat(paths[0]).size == given.size(paths[0])


def test_a_local_cluster_reads_200_files_in_parallel(service_token, h5_files, dev_service):
    paths = sorted(h5_files)
    fs = fsspec.filesystem("ctadata")
    serial = [summary(path, fs) for path in paths]
    assert dict(zip(paths, serial, strict=True)) == h5_files  # the serial reading itself is right
    with (
        LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None)
        as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        pids = set(client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # worker processes of their own
        parallel = db.from_sequence(paths, npartitions=16).map(summary, fs).compute()
        assert parallel == serial
        assert aggregate(parallel) == aggregate(serial)
        # The workers used their own environment's token: without it, they cannot read.
        client.run(forget_token)
        with pytest.raises(AuthenticationError):
            db.from_sequence(paths[:2]).map(summary, fs).compute()


def test_dask_dataframe_reads_csv_and_parquet_over_ctadata(service_token, dev_service):
    import dask.dataframe as dd
    import pandas as pd

    frames = []
    for n in range(6):
        frame = pd.DataFrame({"run": n, "energy": np.arange(n * 100, n * 100 + 50) / 7})
        local = Path(dev_service.storage_dir) / f"{ROOT}/table/part{n}.csv"
        local.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(local, index=False)
        frame.to_parquet(local.with_suffix(".parquet"), index=False)
        frames.append(frame)
    expected = pd.concat(frames).groupby("run")["energy"].sum()
    with dask.config.set(scheduler="processes", num_workers=2):
        for table in (
            dd.read_csv(f"ctadata://{ROOT}/table/part*.csv"),
            dd.read_parquet(f"ctadata://{ROOT}/table/*.parquet"),
        ):
            got = table.groupby("run")["energy"].sum().compute()
            pd.testing.assert_series_equal(got.sort_index(), expected.sort_index())
