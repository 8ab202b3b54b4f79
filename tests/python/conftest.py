"""Shared fixtures: the ecsim binary the module is compared with, and a tiny trained run."""
import csv
import os
import subprocess

import numpy as np
import pytest

ECSIM = os.environ.get("ECSIM_BINARY", "ecsim")
SOURCE_DIR = os.environ.get("ECSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def cli(*args, check=True):
    """Runs `ecsim ARGS` (no shell); returns the completed process."""
    p = subprocess.run([ECSIM] + [str(a) for a in args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"ecsim {' '.join(map(str, args))} exited {p.returncode}:\n{p.stderr}")
    return p


def read_csv(path):
    """A CSV as (header, rows of strings)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def columns(path, prefix):
    """The columns prefix0, prefix1, ... of a CSV as a float64 array (rows × columns)."""
    header, rows = read_csv(path)
    idx = [i for i, h in enumerate(header) if h.startswith(prefix) and h[len(prefix):].isdigit()]
    idx.sort(key=lambda i: int(header[i][len(prefix):]))
    return np.array([[float(r[i]) for i in idx] for r in rows], dtype=np.float64)


def column(path, name):
    header, rows = read_csv(path)
    i = header.index(name)
    return [r[i] for r in rows]


def raster_from_csv(path, steps, inner_steps, n):
    """The raster CSV of simulate/rollout (env_step, inner_step, neuron, sign) as a bool array."""
    r = np.zeros((steps, inner_steps, n), dtype=bool)
    _, rows = read_csv(path)
    for env_step, inner, neuron, _sign in rows:
        r[int(env_step), int(inner), int(neuron)] = True
    return r


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A hopper run of the CLI: N = 64, 3 generations of 8."""
    run = tmp_path_factory.mktemp("run") / "hopper"
    cli("train", "--task", "hopper", "--pop", 8, "--generations", 3, "--neurons", 64, "--out", run, "--no-plot",
        "--threads", 2, "--eval-episodes", 2, "--max-steps", 60)
    return run
