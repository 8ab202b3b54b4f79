#!/usr/bin/env python3
"""Summarise Verilator coverage files (.dat) of the RTL units: per file group, how many points of
each kind (line, branch, toggle, user cover property) were hit at least once, and which were not.

Usage: scripts/rtl-coverage-summary.py [--missed] FILE.dat...
Files with the same stem (the part before _<pid>_<k>.dat, e.g. lif_coverage_w16) are merged, as
verilator_coverage --write would merge them. See docs/rtl.md, "Verilator coverage".
"""
import collections
import re
import sys


def parse(path):
    """(key, count) of every point in a Verilator coverage file"""
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            body, count = line.rsplit("' ", 1)
            fields = dict(re.findall("\x01([^\x02]*)\x02([^\x01]*)", body[2:]))
            yield fields, int(count)


def main(argv):
    missed = "--missed" in argv
    files = [a for a in argv if a != "--missed"]
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    groups = collections.defaultdict(dict)  # stem -> point -> count
    for path in files:
        stem = re.sub(r"_\d+_\d+\.dat$", "", path.rsplit("/", 1)[-1])
        for fields, count in parse(path):
            kind = fields.get("page", "?").split("/")[0]
            point = (kind, fields.get("f", ""), fields.get("l", ""), fields.get("o", ""), fields.get("h", ""))
            groups[stem][point] = groups[stem].get(point, 0) + count
    kinds = ["v_line", "v_branch", "v_toggle", "v_user"]
    print("| models | " + " | ".join(k[2:] for k in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for stem in sorted(groups):
        cells = []
        for k in kinds:
            pts = [c for p, c in groups[stem].items() if p[0] == k]
            cells.append(f"{sum(c > 0 for c in pts)} / {len(pts)}" if pts else "-")
        print(f"| {stem} | " + " | ".join(cells) + " |")
    if missed:
        for stem in sorted(groups):
            for (kind, f, line, obj, _h), c in sorted(groups[stem].items()):
                if c == 0:
                    print(f"{stem}: {kind[2:]} not hit: {f.rsplit('/', 1)[-1]}:{line} {obj}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
