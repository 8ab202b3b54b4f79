"""ecsim.Network against `ecsim simulate` and `ecsim rollout`: the same actions and rasters, bit for bit."""
import json
import threading
import time

import numpy as np
import pytest

import ecsim
from conftest import cli, column, columns, raster_from_csv


def trace(tmp_path, steps=12, d_in=11, seed=5):
    """A normalized observation trace, written as simulate reads it; values exact in text."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0.0, 1.5, size=(steps, d_in)), 3)
    path = tmp_path / "trace.csv"
    with open(path, "w") as f:
        f.write(",".join(f"obs_{i}" for i in range(d_in)) + "\n")
        for row in x:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    return path, x


@pytest.mark.parametrize("flags", [
    {"neurons": 64},
    {"neurons": 100, "exc": 30, "inner_steps": 7},
    {"neurons": 64, "state_bits": 14, "frac_bits": 8, "rho_bits": 6},
    {"neurons": 64, "arith": "float"},
])
def test_network_from_rho_is_simulate(tmp_path, flags):
    path, x = trace(tmp_path)
    net = ecsim.Network(task="hopper", rho=0.5, seed=7, **flags)
    net.reset(7)
    got = net.run(x, raster=True)
    args = []
    for k, v in flags.items():
        args += ["--" + k.replace("_", "-"), v]
    cli("simulate", "--trace", path, "--rho-const", 0.5, "--seed", 7, "--task", "hopper", "--out", tmp_path / "a.csv",
        "--raster", tmp_path / "r.csv", *args)
    want = columns(tmp_path / "a.csv", "act_")
    assert np.array_equal(got["actions"].astype(np.float64), want)
    shape = net.shape
    want_raster = raster_from_csv(tmp_path / "r.csv", len(x), shape["inner_steps"], shape["n_neurons"])
    assert np.array_equal(got["raster"], want_raster)
    # the simulate column `spikes` counts the same spikes, and its JSON the same events
    assert [int(s) for s in column(tmp_path / "a.csv", "spikes")] == list(got["raster"].sum(axis=(1, 2)))
    summary = json.loads(cli("simulate", "--trace", path, "--rho-const", 0.5, "--seed", 7, "--task", "hopper",
                             "--out", tmp_path / "b.csv", "--json", "-", *args).stdout)
    assert net.counters == summary["counters"]


def test_step_equals_run_and_counters(tmp_path):
    _, x = trace(tmp_path, steps=6)
    a = ecsim.Network(task="hopper", neurons=64, seed=2)
    b = ecsim.Network(task="hopper", neurons=64, seed=2)
    a.reset(3)
    b.reset(3)
    many = a.run(x, raster=True, membrane=True)
    for t in range(len(x)):
        act = b.step(x[t], raster=True)
        assert np.array_equal(act, many["actions"][t])
        assert np.array_equal(b.spikes, many["raster"][t])
        assert np.array_equal(b.v.astype(np.float64) / 2 ** b.arith["frac_bits"], many["v"][t])
    assert a.counters == b.counters
    c = a.counters
    assert c["env_steps"] == len(x) and c["inner_steps"] == len(x) * a.shape["inner_steps"]
    assert c["spikes_exc"] + c["spikes_inh"] == int(many["raster"].sum())


def test_theta_file_round_trip(tmp_path):
    net = ecsim.Network(obs_size=5, act_size=2, neurons=40, rho=0.3, seed=11)
    net.save_theta(tmp_path / "t.bin")
    back = ecsim.Network.from_theta(str(tmp_path / "t.bin"))
    for k in ("in", "rec", "out"):
        assert np.array_equal(net.theta[k], back.theta[k])
    assert back.shape == net.shape
    # θ follows the sampler: ρ = 0.3 gives about 30 % ones
    ones = sum(int(net.theta[k].sum()) for k in ("in", "rec", "out"))
    total = sum(net.theta[k].size for k in ("in", "rec", "out"))
    assert 0.25 < ones / total < 0.35


def test_rho_array_matches_constant():
    a = ecsim.Network(task="hopper", neurons=32, rho=0.5, seed=4)
    total = sum(a.theta[k].size for k in ("in", "rec", "out"))
    b = ecsim.Network(task="hopper", neurons=32, rho=np.full(total, 0.5), seed=4)
    assert all(np.array_equal(a.theta[k], b.theta[k]) for k in ("in", "rec", "out"))


def test_policy_is_rollout(tmp_path, tiny_run):
    cli("rollout", "--policy", tiny_run, "--out", tmp_path / "traj.csv", "--raster", tmp_path / "r.csv", "--seed", 3)
    obs = columns(tmp_path / "traj.csv", "obs_")
    acts = columns(tmp_path / "traj.csv", "act_")
    net = ecsim.load_policy(str(tiny_run))
    assert net.task == "hopper" and net.generation == 3 and net.normalizer is not None
    net.reset(3)
    got = net.run(obs, raster=True)
    # hopper's actuators span [-1, 1]: the control is the network's action
    assert np.array_equal(got["actions"].astype(np.float64), acts)
    want = raster_from_csv(tmp_path / "r.csv", len(obs), net.shape["inner_steps"], net.shape["n_neurons"])
    assert np.array_equal(got["raster"], want)


def test_nir_round_trip_from_python(tmp_path, tiny_run):
    """export_nir is `ecsim export --nir` byte for byte, and load_policy reads the file back to the same network."""
    ecsim.export_nir(tiny_run, tmp_path / "a.nir")
    cli("export", tiny_run, "--nir", tmp_path / "b.nir")
    assert (tmp_path / "a.nir").read_bytes() == (tmp_path / "b.nir").read_bytes()
    a, b = ecsim.load_policy(tiny_run), ecsim.load_policy(tmp_path / "a.nir")
    assert all(np.array_equal(a.theta[k], b.theta[k]) for k in ("in", "rec", "out"))
    x = np.random.default_rng(2).normal(0, 1, (10, 11))
    a.reset(4)
    b.reset(4)
    assert np.array_equal(a.run(x, raster=True)["raster"], b.run(x, raster=True)["raster"])
    with pytest.raises(ecsim.Error, match="HDF5"):
        (tmp_path / "bad.nir").write_text("junk")
        ecsim.load_policy(tmp_path / "bad.nir")


def test_live_views_follow_the_state():
    net = ecsim.Network(task="hopper", neurons=16, seed=1)
    v = net.v
    before = v.copy()
    net.step(np.full(11, 2.0))
    assert not np.array_equal(before, v)  # the same memory, updated in place
    assert v.base is not None


@pytest.mark.parametrize("call, message", [
    (lambda: ecsim.Network(task="hopper", neurnos=3), "neurnos"),
    (lambda: ecsim.Network(task="hopper", rho_bits="x"), "rho_bits"),
    (lambda: ecsim.Network(task="nosuchtask"), "nosuchtask"),
    (lambda: ecsim.Network(), "obs_size"),
    (lambda: ecsim.Network(task="hopper", rho=1.5), "probability"),
    (lambda: ecsim.Network(task="hopper", rho=[0.5, 0.5]), "rho"),
    (lambda: ecsim.Network(task="hopper", arith="double"), "arith"),
    (lambda: ecsim.Network(task="hopper", neurons=0), "N"),
    (lambda: ecsim.Network(task="hopper").step(np.zeros(3)), "observation"),
    (lambda: ecsim.Network(task="hopper").step("abc"), "observation"),
    (lambda: ecsim.Network(task="hopper").run(np.zeros((2, 3))), "observations"),
    (lambda: ecsim.Network.from_theta("/nonexistent/t.bin"), "t.bin"),
    (lambda: ecsim.load_policy("/nonexistent/run"), "run"),
])
def test_bad_arguments_raise(call, message):
    with pytest.raises(ecsim.Error, match=message) as e:
        call()
    assert "fix:" in str(e.value) or message in str(e.value)


def test_long_calls_release_the_gil():
    """Network.run leaves the GIL to other Python threads while it steps."""
    net = ecsim.Network(task="hopper", neurons=256, seed=1)
    obs = np.random.default_rng(0).normal(0, 1, (20000, 11))
    done = threading.Event()

    def work():
        net.run(obs)
        done.set()

    worker = threading.Thread(target=work)
    start = time.perf_counter()
    worker.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - start
    # holding the GIL, run() would leave this loop one or two ticks, however long it took
    assert elapsed > 0.05 and ticks >= 10, (ticks, elapsed)
