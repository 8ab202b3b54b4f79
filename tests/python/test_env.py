"""ecsim.Env against `ecsim rollout --actions`: the same observations, rewards and ends, bit for bit."""
import numpy as np
import pytest

import ecsim
from conftest import cli, column, columns


@pytest.mark.parametrize("task", ["hopper", "walker2d", "humanoid"])
def test_env_is_rollout(tmp_path, task):
    env = ecsim.Env(task)
    n_act = env.action_space.shape[0]
    rng = np.random.default_rng(1)
    actions = np.round(rng.uniform(-1, 1, size=(40, n_act)) * env.action_space.high, 4)
    with open(tmp_path / "act.csv", "w") as f:
        f.write(",".join(f"act_{i}" for i in range(n_act)) + "\n")
        for row in actions:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    cli("rollout", "--task", task, "--actions", tmp_path / "act.csv", "--seed", 9, "--out", tmp_path / "traj.csv")
    want_obs = columns(tmp_path / "traj.csv", "obs_")
    want_reward = [float(r) for r in column(tmp_path / "traj.csv", "reward")]
    want_term = column(tmp_path / "traj.csv", "terminated")
    obs, info = env.reset(seed=9)
    assert info["seed"] == 9
    got_obs, got_reward, got_term = [], [], []
    for a in actions[: len(want_obs)]:
        got_obs.append(obs)
        obs, reward, terminated, truncated, info = env.step(a)
        got_reward.append(reward)
        got_term.append(terminated)
        if terminated or truncated:
            break
    assert np.array_equal(np.array(got_obs), want_obs)
    assert got_reward == want_reward
    assert [str(int(t)) for t in got_term] == want_term or [str(t).lower() for t in got_term] == want_term


def test_spaces_and_gymnasium_signature():
    env = ecsim.Env("hopper")
    assert env.observation_space.shape == (11,) and env.action_space.shape == (3,)
    assert np.all(env.action_space.low == -1) and np.all(env.action_space.high == 1)
    assert ecsim.Env("humanoid").action_space.high[0] == np.float32(0.4)
    obs, info = env.reset(seed=1)
    assert env.observation_space.contains(obs)
    out = env.step(env.action_space.sample(np.random.default_rng(0)))
    assert len(out) == 5 and isinstance(out[1], float) and isinstance(out[2], bool) and isinstance(out[4], dict)
    # seed None continues from the last seed + 1
    a, _ = env.reset(seed=4)
    b, _ = env.reset()
    c, _ = env.reset(seed=5)
    assert np.array_equal(b, c) and not np.array_equal(a, b)


def test_max_steps_truncates():
    env = ecsim.Env("hopper", max_steps=5)
    env.reset(seed=1)
    ends = [env.step(np.zeros(3))[3] for _ in range(5)]
    assert ends == [False] * 4 + [True]


def test_bad_arguments_raise():
    with pytest.raises(ecsim.Error, match="nosuchtask"):
        ecsim.Env("nosuchtask")
    env = ecsim.Env("hopper")
    env.reset(seed=1)
    with pytest.raises(ecsim.Error, match="3 values"):
        env.step(np.zeros(2))
    with pytest.raises(ecsim.Error, match="model"):
        ecsim.Env("hopper", model="/nonexistent/hopper.xml")
