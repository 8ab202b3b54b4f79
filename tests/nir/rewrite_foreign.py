#!/usr/bin/env python3
"""Rewrites a NIR file written by `ecsim export --nir` as another tool writing it with h5py would:
no metadata group (nir.write skips an empty one), every array gzip-compressed (nir.write's
default), parameters in float64, edges as fixed-length byte strings, and the nodes under other
names. Usage: rewrite_foreign.py IN.nir OUT.nir"""
import sys

import h5py
import numpy as np

NAMES = {"input": "in", "input_projection": "fc_in", "lif": "rlif", "recurrent": "fc_rec", "synapse": "syn",
         "sign": "dale", "readout": "li_out", "output_projection": "fc_out", "output": "out"}


def main(src, dst):
    with h5py.File(src, "r") as f, h5py.File(dst, "w") as g:
        g.create_dataset("version", data="1.0.7", dtype=h5py.string_dtype())
        node = g.create_group("node")
        node.create_dataset("type", data="NIRGraph", dtype=h5py.string_dtype())
        nodes = node.create_group("nodes")
        for name, n in f["node/nodes"].items():
            out = nodes.create_group(NAMES[name])
            for key, d in n.items():
                v = d[()]
                if key == "type":
                    out.create_dataset("type", data=v.decode("utf8"), dtype=h5py.string_dtype())
                elif key == "shape":
                    out.create_dataset(key, data=np.asarray(v, dtype=np.int64), compression="gzip")
                else:
                    out.create_dataset(key, data=np.asarray(v, dtype=np.float64), compression="gzip")
        edges = [(NAMES[a.decode("utf8")], NAMES[b.decode("utf8")]) for a, b in f["node/edges"][()]]
        node.create_dataset("edges", data=np.array(edges, dtype="S"), compression="gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
