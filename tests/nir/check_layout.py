#!/usr/bin/env python3
"""Checks a NIR file as NIR's reference reader (neuromorphs/NIR, nir/serialization.py) reads it,
with h5py and numpy only: root `version`, `node/type`, each node's primitive type and parameter
datasets, and that every edge joins nodes whose sizes agree. Exit 0 when it is, else 1 with the
reasons. Usage: check_layout.py FILE.nir"""
import sys

import h5py
import numpy as np

# the parameters nir.read takes for each primitive (v_reset is optional in the reader, written here)
PARAMS = {
    "Input": ["shape"],
    "Output": ["shape"],
    "Linear": ["weight"],
    "Affine": ["weight", "bias"],
    "Scale": ["scale"],
    "LI": ["tau", "r", "v_leak"],
    "LIF": ["tau", "r", "v_leak", "v_threshold"],
    "CubaLI": ["tau_syn", "tau_mem", "r", "v_leak", "w_in"],
    "CubaLIF": ["tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "w_in"],
}


def sizes(kind, node):
    """(input size, output size) of a node."""
    if kind in ("Input", "Output"):
        n = int(np.prod(node["shape"][()]))
        return n, n
    if kind in ("Linear", "Affine"):
        w = node["weight"]
        return w.shape[1], w.shape[0]
    n = node[PARAMS[kind][0]].shape[0]
    return n, n


def main(path):
    errors = []
    with h5py.File(path, "r") as f:
        version = f["version"][()]
        if not isinstance(version, bytes) or not version.decode("utf8"):
            errors.append("root `version` is not a UTF-8 string: %r" % (version,))
        g = f["node"]
        if g["type"][()] != b"NIRGraph":
            errors.append("node/type is %r, not b'NIRGraph'" % (g["type"][()],))
        shape = {}
        for name, node in g["nodes"].items():
            kind = node["type"][()]
            if not isinstance(kind, bytes) or kind.decode("utf8") not in PARAMS:
                errors.append("node %s: type %r is not a NIR primitive written here" % (name, kind))
                continue
            kind = kind.decode("utf8")
            for p in PARAMS[kind]:
                if p not in node:
                    errors.append("node %s (%s): no parameter %s" % (name, kind, p))
            if any(p not in node for p in PARAMS[kind]):
                continue
            if kind in ("Input", "Output"):
                if node["shape"].dtype.kind not in "iu" or node["shape"].ndim != 1:
                    errors.append("node %s: shape is not an integer array" % name)
            elif kind in ("Linear", "Affine"):
                if node["weight"].ndim != 2:
                    errors.append("node %s: weight is not 2-D (out x in)" % name)
            else:
                n = node[PARAMS[kind][0]].shape
                for p in PARAMS[kind] + (["v_reset"] if "v_reset" in node else []):
                    d = node[p]
                    if d.shape != n or len(n) != 1 or d.dtype != np.float32:
                        errors.append("node %s: %s has shape %s dtype %s, not (n,) float32" % (name, p, d.shape, d.dtype))
            shape[name] = sizes(kind, node)
        edges = g["edges"][()]
        if edges.ndim != 2 or edges.shape[1] != 2:
            errors.append("node/edges is not an (E x 2) array")
            edges = []
        for a, b in edges:
            if not isinstance(a, bytes) or not isinstance(b, bytes):
                errors.append("edge %r -> %r: not strings" % (a, b))
                continue
            a, b = a.decode("utf8"), b.decode("utf8")
            if a not in shape or b not in shape:
                errors.append("edge %s -> %s: a node that does not exist" % (a, b))
            elif shape[a][1] != shape[b][0]:
                errors.append("edge %s -> %s: output size %d != input size %d" % (a, b, shape[a][1], shape[b][0]))
        names = {n for e in edges for n in (e[0].decode("utf8"), e[1].decode("utf8"))}
        for n in shape:
            if n not in names:
                errors.append("node %s is on no edge" % n)
    for e in errors:
        print("check_layout: " + e)
    if not errors:
        print("check_layout: %s: %d nodes, %d edges, NIR %s" % (path, len(shape), len(edges), version.decode("utf8")))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
