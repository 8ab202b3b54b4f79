#!/usr/bin/env python3
"""Simulates a NIR graph written by `ecsim export --nir` from the file alone, with numpy and h5py
(no ecsim code), and compares it with ecsim's float arithmetic on the same observations.

The graph is walked by its edges (Input -> Linear -> LIF; LIF -> Linear -> LI -> LIF; LIF -> Scale
-> LI -> Linear -> Output) and stepped from NIR's published equations, every state x of an LI or
LIF by exponential Euler as the file's metadata says (ecsim.discretization, ecsim.dt_ms):

    x <- a*x + (1 - a)*(v_leak + r*I),  a = exp(-dt/tau),

in float32, with a spike where v > v_threshold and then v = v_reset. The observation is normalized
by the metadata's rule, held for ecsim.inner_steps inner steps, and the action is the output after
the last one, clamped to ecsim.action_clamp.

v(0) is an input: ecsim draws it from its Philox stream, so the test writes it to a CSV
(neuron,v0) from ecsim's reference model.

Usage: independent_sim.py FILE.nir TRACE.csv V0.csv ECSIM_ACTIONS.csv ECSIM_RASTER.csv
  TRACE: raw observations obs_0.. (a rollout's trajectory); ECSIM_ACTIONS: `ecsim simulate --out`
  (act_0..); ECSIM_RASTER: `ecsim simulate --raster` (env_step,inner_step,neuron,sign).
Prints the agreement and exits 0 when it is within the tolerance below, else 1.
"""
import csv
import sys

import h5py
import numpy as np

# The tolerance (docs/nir.md, "Independent simulation"): ecsim's float arithmetic rounds every
# product and sum of its own loop order, numpy's matrix products round in theirs, so the two
# agree to float32 rounding until a membrane lands within rounding of the threshold; then one
# spike differs and the recurrence spreads the difference for a few inner steps.
MIN_SPIKE_AGREEMENT = 0.999  # of all (env step, inner step, neuron) cells
MIN_EXACT_STEPS = 0.95  # of env steps whose raster and actions (within 1e-4) both agree
ACTION_ATOL = 1e-4  # on such a step


def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def read_graph(path):
    with h5py.File(path, "r") as f:
        g = f["node"]
        nodes = {}
        for name, node in g["nodes"].items():
            nodes[name] = {k: (text(node[k][()]) if k == "type" else np.asarray(node[k][()])) for k in node.keys()}
        edges = [(text(a), text(b)) for a, b in g["edges"][()]]
        meta = {k: g["metadata"][k][()] for k in g["metadata"].keys()}
    return nodes, edges, meta


def walk(nodes, edges):
    """the roles of the nodes, found from the edges and the primitive types alone"""
    succ = lambda n: [b for a, b in edges if a == n]
    pred = lambda n: [a for a, b in edges if b == n]
    kind = lambda n: nodes[n]["type"]
    (inp,) = [n for n in nodes if kind(n) == "Input"]
    (in_proj,) = succ(inp)
    (lif,) = succ(in_proj)
    assert kind(in_proj) == "Linear" and kind(lif) == "LIF"
    (syn,) = [n for n in pred(lif) if n != in_proj]
    (rec,) = pred(syn)
    assert kind(syn) == "LI" and kind(rec) == "Linear" and pred(rec) == [lif]
    (sign,) = [n for n in succ(lif) if n != rec]
    assert kind(sign) == "Scale"
    (readout,) = succ(sign)
    (out_proj,) = succ(readout)
    (out,) = succ(out_proj)
    assert kind(readout) == "LI" and kind(out_proj) == "Linear" and kind(out) == "Output"
    return dict(input=inp, in_proj=in_proj, lif=lif, syn=syn, rec=rec, sign=sign, readout=readout,
                out_proj=out_proj, output=out)


def read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def simulate(nodes, roles, meta, obs_raw, v0):
    f32 = np.float32
    dt = f32(meta["ecsim.dt_ms"])
    steps = int(meta["ecsim.inner_steps"])
    lo, hi = (f32(x) for x in meta["ecsim.action_clamp"])
    mean = meta["ecsim.normalizer.mean"].astype(f32)
    std = meta["ecsim.normalizer.std"].astype(f32)
    node = lambda role: nodes[roles[role]]
    w_in, w_rec, w_out = (node(r)["weight"].astype(f32) for r in ("in_proj", "rec", "out_proj"))
    scale = node("sign")["scale"].astype(f32)

    def li(p):  # decay a, input gain (1 - a)*r, leak term (1 - a)*v_leak
        a = np.exp(-dt / p["tau"].astype(f32)).astype(f32)
        return a, ((f32(1) - a) * p["r"].astype(f32)).astype(f32), ((f32(1) - a) * p["v_leak"].astype(f32)).astype(f32)

    a_syn, g_syn, l_syn = li(node("syn"))
    a_m, g_m, l_m = li(node("lif"))
    a_out, g_out, l_out = li(node("readout"))
    v_th = node("lif")["v_threshold"].astype(f32)
    v_reset = node("lif").get("v_reset", np.zeros_like(v_th)).astype(f32)

    n = w_rec.shape[0]
    v = v0.astype(f32).copy()
    i_syn = np.zeros(n, f32)
    rate = np.zeros(n, f32)
    s = np.zeros(n, f32)
    actions, raster = [], []
    for x_raw in obs_raw:
        x = (x_raw.astype(f32) - mean) / std
        i_in = w_in @ x  # the input projection, once per environment step
        step_spikes = np.zeros((steps, n), bool)
        for t in range(steps):
            i_syn = a_syn * i_syn + g_syn * (w_rec @ s) + l_syn  # the previous inner step's spikes
            v = a_m * v + g_m * (i_syn + i_in) + l_m
            z = v > v_th
            v = np.where(z, v_reset, v).astype(f32)
            s = z.astype(f32)
            rate = a_out * rate + g_out * (scale * s) + l_out
            step_spikes[t] = z
        actions.append(np.clip(w_out @ rate, lo, hi))
        raster.append(step_spikes)
    return np.array(actions), np.array(raster)


def main(nir_path, trace_path, v0_path, act_path, raster_path):
    nodes, edges, meta = read_graph(nir_path)
    roles = walk(nodes, edges)
    if text(meta["ecsim.arithmetic"]) != "float":
        print("independent_sim: %s computes in %s; compare with a float-arithmetic policy" %
              (nir_path, text(meta["ecsim.arithmetic"])))
        return 1
    head, rows = read_csv(trace_path)
    d_in = int(nodes[roles["input"]]["shape"].prod())
    cols = [head.index("obs_%d" % i) for i in range(d_in)]
    obs = np.array([[float(r[c]) for c in cols] for r in rows], dtype=np.float64)
    _, v0_rows = read_csv(v0_path)
    v0 = np.array([np.float32(r[1]) for r in v0_rows], dtype=np.float32)
    actions, raster = simulate(nodes, roles, meta, obs, v0)

    head, rows = read_csv(act_path)
    d_out = actions.shape[1]
    acols = [head.index("act_%d" % k) for k in range(d_out)]
    ref_actions = np.array([[float(r[c]) for c in acols] for r in rows], dtype=np.float64)
    ref_raster = np.zeros_like(raster)
    _, rows = read_csv(raster_path)
    for e, t, j, _sign in rows:
        ref_raster[int(e), int(t), int(j)] = True
    if ref_actions.shape != actions.shape:
        print("independent_sim: %d steps simulated, ecsim wrote %d" % (len(actions), len(ref_actions)))
        return 1

    agree = float((raster == ref_raster).mean())
    diff = np.abs(actions - ref_actions).max(axis=1)
    same_raster = (raster == ref_raster).all(axis=(1, 2))
    exact = float((same_raster & (diff <= ACTION_ATOL)).mean())
    print("independent_sim: %d env steps x %d inner steps x %d neurons, %d spikes (ecsim %d)" %
          (raster.shape[0], raster.shape[1], raster.shape[2], raster.sum(), ref_raster.sum()))
    print("independent_sim: spike agreement %.6f (%d of %d cells differ; min %.3f), env steps with the same "
          "raster and actions within %g: %d of %d (min %.2f), max action difference %.3g" %
          (agree, int((raster != ref_raster).sum()), raster.size, MIN_SPIKE_AGREEMENT, ACTION_ATOL,
           int((same_raster & (diff <= ACTION_ATOL)).sum()), len(diff), MIN_EXACT_STEPS, diff.max()))
    ok = agree >= MIN_SPIKE_AGREEMENT and exact >= MIN_EXACT_STEPS
    print("independent_sim: %s" % ("within the tolerance" if ok else "OUTSIDE the tolerance"))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
