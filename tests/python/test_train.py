"""ecsim.train, resume, evaluate and read_metrics against `ecsim train` and `ecsim eval`: the same bits."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ecsim
from conftest import cli, read_csv

FLAGS = dict(task="hopper", pop=8, generations=4, neurons=64, seed=3, threads=2, eval_episodes=2, max_steps=40,
             plot=False)
TIMING = {"seconds", "elapsed", "fps"}


def cli_flags(flags):
    out = []
    for k, v in flags.items():
        if v is False:
            out.append("--no-" + k.replace("_", "-"))
        else:
            out += ["--" + k.replace("_", "-"), v]
    return out


def untimed(path):
    """metrics.csv without its wall-clock columns"""
    header, rows = read_csv(path)
    keep = [i for i, h in enumerate(header) if h not in TIMING]
    return [[r[i] for i in keep] for r in rows]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("cli") / "run"
    cli("train", "--out", run, *cli_flags(FLAGS))
    return run


def test_train_is_the_cli(tmp_path, cli_run):
    seen = []
    out = ecsim.train(out=tmp_path / "run", callback=seen.append, **FLAGS)
    assert out["generation"] == 4 and out["timed_out"] is False and out["run"] == str(tmp_path / "run")
    assert untimed(tmp_path / "run" / "metrics.csv") == untimed(cli_run / "metrics.csv")
    for name in ("theta.bin", "normalizer.json"):
        assert (tmp_path / "run" / "policy" / name).read_bytes() == (cli_run / "policy" / name).read_bytes()
    # the callback saw each generation's row, with the file's values
    m = ecsim.read_metrics(tmp_path / "run")
    assert [s["generation"] for s in seen] == [1, 2, 3, 4]
    for k in ("eval_mean", "pop_mean", "frames", "param_mean"):
        assert np.array_equal(np.array([s[k] for s in seen]), m[k])
    assert out["last"]["eval_mean"] == m["eval_mean"][-1]


def test_read_metrics_is_the_file(cli_run):
    m = ecsim.read_metrics(str(cli_run))
    header, rows = read_csv(cli_run / "metrics.csv")
    assert list(m) == header
    for i, h in enumerate(header):
        want = np.array([float(r[i]) if r[i] else np.nan for r in rows])
        assert np.array_equal(m[h], want, equal_nan=True)


def test_interrupt_keeps_the_checkpoint_and_resume_is_exact(tmp_path, cli_run):
    def stop_at_2(stats):
        if stats["generation"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ecsim.train(out=tmp_path / "run", callback=stop_at_2, checkpoint_every=10, **FLAGS)
    assert len(read_csv(tmp_path / "run" / "metrics.csv")[1]) == 2
    assert (tmp_path / "run" / "checkpoint.ckpt").exists()  # written at the stop (checkpoint_every is 10)
    resumed = []
    out = ecsim.resume(tmp_path / "run", callback=resumed.append)
    assert out["generation"] == 4 and [s["generation"] for s in resumed] == [3, 4]
    assert untimed(tmp_path / "run" / "metrics.csv") == untimed(cli_run / "metrics.csv")
    assert (tmp_path / "run" / "policy" / "theta.bin").read_bytes() == (cli_run / "policy" / "theta.bin").read_bytes()


def test_ctrl_c_in_another_process(tmp_path, cli_run):
    """A real SIGINT during a training: KeyboardInterrupt, the checkpoint intact, the resume exact."""
    script = f"""
import os, signal, ecsim
def cb(s):
    if s["generation"] == 2:
        os.kill(os.getpid(), signal.SIGINT)
ecsim.train(out={str(tmp_path / 'run')!r}, callback=cb, checkpoint_every=10, **{FLAGS!r})
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ)
    assert p.returncode != 0 and "KeyboardInterrupt" in p.stderr, p.stderr
    resumed = []
    ecsim.resume(str(tmp_path / "run"), callback=resumed.append)
    assert [s["generation"] for s in resumed] == [3, 4]
    assert untimed(tmp_path / "run" / "metrics.csv") == untimed(cli_run / "metrics.csv")


def test_evaluate_is_ecsim_eval(cli_run):
    got = ecsim.evaluate(cli_run, episodes=3, seed=5, threads=1)
    want = json.loads(cli("eval", cli_run, "--episodes", 3, "--seed", 5, "--json", "-").stdout)
    returns = got.pop("returns")
    assert got == want
    assert list(returns) == [e["return"] for e in want["episodes"]]


def test_bad_arguments_raise(tmp_path, cli_run):
    with pytest.raises(ecsim.Error, match="popp") as e:
        ecsim.train(out=tmp_path / "x", popp=3)
    assert "ecsim train --help" in str(e.value)
    with pytest.raises(ecsim.Error, match="out"):
        ecsim.train(task="hopper")
    with pytest.raises(ecsim.Error, match="nosuchtask"):
        ecsim.train(out=tmp_path / "y", task="nosuchtask")
    with pytest.raises(ecsim.Error):
        ecsim.train(out=cli_run, **FLAGS)  # holds a run already
    with pytest.raises(ecsim.Error):
        ecsim.resume(tmp_path / "nothing")
    with pytest.raises(ecsim.Error, match="episodes"):
        ecsim.evaluate(cli_run, episodes=0)
    with pytest.raises(ecsim.Error):
        ecsim.read_metrics(tmp_path / "nothing")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
