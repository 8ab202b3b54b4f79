"""The chip tests of one level (test_chip_systemc.py, test_chip_rtl.py): one Chip per process."""
import numpy as np

import ecsim
from conftest import cli, column, columns, raster_from_csv


def check_chip_is_rollout(tmp_path, run, level):
    """ecsim.Chip stepping a policy equals `ecsim rollout --backend LEVEL`: actions, raster, per-step cycles and
    energy; and the same network on the reference model gives the same actions."""
    traj = tmp_path / "traj.csv"
    cli("rollout", "--policy", run, "--backend", level, "--out", traj, "--raster", tmp_path / "r.csv", "--seed", 2,
        "--max-steps", 25)
    obs = columns(traj, "obs_")
    want = columns(traj, "act_")
    cycles = [int(c) for c in column(traj, "chip_cycles")]
    dynamic = [float(c) for c in column(traj, "dynamic_pj")]
    net = ecsim.load_policy(str(run))
    chip = ecsim.Chip(level=level)
    assert chip.level == level
    chip.load(net)
    chip.reset(2)
    got, got_cycles, spikes, got_dynamic = [], [chip.cycles], [], []
    for t in range(len(obs)):
        before = chip.energy()["dynamic_pj"] if t else 0.0
        got.append(chip.step(obs[t], raster=True))
        spikes.append(chip.spikes)
        got_cycles.append(chip.cycles)
        got_dynamic.append(chip.energy()["dynamic_pj"] - before)
    assert np.array_equal(np.array(got, dtype=np.float64), want)
    want_raster = raster_from_csv(tmp_path / "r.csv", len(obs), net.shape["inner_steps"], net.shape["n_neurons"])
    assert np.array_equal(np.array(spikes), want_raster)
    # step 0's record includes the episode's reset, as the chip's count since load() does
    steps = np.diff(got_cycles)
    steps[0] += got_cycles[0]
    assert list(steps) == cycles, (list(steps)[:5], cycles[:5])
    assert np.allclose(got_dynamic, dynamic, rtol=1e-9, atol=1e-6)
    # the reference model: the same actions and spikes
    net.reset(2)
    ref = net.run(obs, raster=True)
    assert np.array_equal(ref["actions"], np.array(got))
    assert np.array_equal(ref["raster"], np.array(spikes))
    ev = chip.events
    assert ev["env_steps"] == len(obs) and ev["spikes_exc"] + ev["spikes_inh"] == int(want_raster.sum())
    hw = chip.hw_counters
    assert hw["popcount_words"] > 0
    return chip


def check_sampler_and_membrane(chip):
    """θ drawn by the chip's sampler from ρ and a seed equals the reference model's; the membrane trace's
    last inner step equals the reference model's v."""
    net = ecsim.Network(task="hopper", neurons=64, rho=0.5, seed=21)
    chip.load(net)
    chip.reset(5)
    net.reset(5)
    rng = np.random.default_rng(3)
    for _ in range(4):
        x = rng.normal(0, 1, 11)
        a = chip.step(x, membrane=[0, 7, 63])
        b = net.step(x)
        assert np.array_equal(a, b)
        m = chip.membrane
        assert m.shape == (net.shape["inner_steps"], 3)
        assert list(m[-1]) == [int(net.v[0]), int(net.v[7]), int(net.v[63])]
    e = chip.energy()
    assert e["total_pj"] > 0 and e["dynamic_pj"] > 0
    try:
        ecsim.Chip(level=chip.level)
    except ecsim.Error as err:
        assert "one" in str(err).lower() or "already" in str(err).lower()
    else:
        raise AssertionError("a second Chip in one process must raise")
    for bad in (lambda: chip.load(ecsim.Network(task="hopper", neurons=64, arith="float")),
                lambda: chip.load(ecsim.Network(task="hopper", neurons=64, state_bits=14)),
                lambda: chip.step(np.zeros(3)),
                lambda: chip.energy("/nonexistent/table.json")):
        try:
            bad()
        except ecsim.Error:
            pass
        else:
            raise AssertionError("must raise ecsim.Error")
