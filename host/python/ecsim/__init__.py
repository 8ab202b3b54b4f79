"""ecsim in Python: the bit-exact reference model, the cycle-level chip, the MuJoCo tasks and EC
training, as a thin layer over ecsim's C++ library (docs/python.md).

    import ecsim
    ecsim.train(out="runs/hopper", task="hopper", pop=16, generations=5, neurons=64)
    net = ecsim.load_policy("runs/hopper")
    env = ecsim.Env(net.task)
    obs, info = env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(net.step(obs) * env.action_space.high)

Errors a user can fix are ecsim.Error (a ValueError) with the CLI's message and fix.
"""
import json as _json
import os as _os

from . import _paths

# the C++ side finds the MJCF models and chip configs through these (the running binary is python3)
_os.environ.setdefault("ECSIM_MODEL_DIR", _paths.MODEL_DIR)
_os.environ.setdefault("ECSIM_CONFIG_DIR", _paths.CONFIG_DIR)

import numpy as _np  # noqa: E402

from ._ecsim import (  # noqa: E402
    Chip,
    Error,
    Network,
    export_nir,
    load_policy,
    read_metrics,
    resume,
    run_command,
    task_names,
    train,
)
from . import _ecsim  # noqa: E402

__all__ = ["Box", "Chip", "Env", "Error", "Network", "evaluate", "export_nir", "load_policy", "read_metrics", "resume",
           "task_names", "train"]


def _flags(kwargs):
    out = []
    for key, value in kwargs.items():
        if value is None:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            out.append(flag)
        elif value is False:
            out.append("--no-" + key.replace("_", "-"))
        else:
            out += [flag, repr(value) if isinstance(value, float) else str(value)]
    return out


def evaluate(run, **flags):
    """`ecsim eval RUN --json -` with each flag as a keyword (episodes=10, seed=1, backend="functional",
    chip=..., energy_table=..., max_steps=..., threads=...). Returns the CLI's JSON result as a dict, plus
    "returns": the episodes' returns as a float64 array."""
    _, out = run_command("eval", [str(run)] + _flags(flags) + ["--json", "-"])
    result = _json.loads(out)
    result["returns"] = _np.array([e["return"] for e in result["episodes"]], dtype=_np.float64)
    return result


class Box:
    """A box-shaped space as Gymnasium describes one: shape, low, high, dtype (plain attributes)."""

    def __init__(self, low, high, dtype):
        self.low = _np.asarray(low, dtype=dtype)
        self.high = _np.asarray(high, dtype=dtype)
        self.shape = self.low.shape
        self.dtype = _np.dtype(dtype)

    def contains(self, x):
        x = _np.asarray(x)
        return x.shape == self.shape and bool(_np.all(x >= self.low) and _np.all(x <= self.high))

    def sample(self, rng=None):
        rng = rng or _np.random.default_rng()
        lo = _np.where(_np.isfinite(self.low), self.low, -1.0)
        hi = _np.where(_np.isfinite(self.high), self.high, 1.0)
        return rng.uniform(lo, hi).astype(self.dtype)

    def __repr__(self):
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


class Env:
    """A MuJoCo task with Gymnasium's interface (docs/tasks.md has every rule).

    Env(task="hopper", max_steps=None, model=None, reset_noise=None)
      reset(seed=None) -> (obs, info); seed None continues from the last seed + 1 (first: 1)
      step(action) -> (obs, reward, terminated, truncated, info)
    observation_space and action_space are Box objects; actions are not clipped (as in Gymnasium).
    max_steps truncates earlier than the task's 1000 steps.
    """

    def __init__(self, task="hopper", max_steps=None, model=None, reset_noise=None):
        self._env = _ecsim._Env(task, str(model) if model else "")
        self.task = self._env.task
        self.max_steps = self._env.max_episode_steps if not max_steps else min(int(max_steps),
                                                                                self._env.max_episode_steps)
        self._noise = -1.0 if reset_noise is None else float(reset_noise)
        n = self._env.obs_size
        self.observation_space = Box(_np.full(n, -_np.inf), _np.full(n, _np.inf), _np.float64)
        self.action_space = Box(self._env.ctrl_low, self._env.ctrl_high, _np.float32)
        self.dt = self._env.dt
        self._seed = 0

    def reset(self, *, seed=None, options=None):
        self._seed = self._seed + 1 if seed is None else int(seed)
        self._env.reset(self._seed, self._noise)
        return self._env.observation(), {"x_position": self._env.x_position, "seed": self._seed}

    def step(self, action):
        x_before = self._env.x_position
        reward, terminated, truncated, reason, parts = self._env.step(action)
        truncated = bool(truncated or (not terminated and self._env.steps >= self.max_steps))
        info = {"x_position": self._env.x_position, "x_velocity": (self._env.x_position - x_before) / self.dt,
                "reason": reason if reason != "none" or not truncated else "time_limit", "reward_parts": parts}
        return self._env.observation(), reward, bool(terminated), truncated, info

    @property
    def qpos(self):
        return self._env.qpos

    @property
    def qvel(self):
        return self._env.qvel

    def set_state(self, qpos, qvel):
        self._env.set_state(qpos, qvel)

    @property
    def steps(self):
        return self._env.steps

    def __repr__(self):
        return f"<ecsim.Env {self.task}>"
