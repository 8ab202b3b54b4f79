#!/usr/bin/env bash
# ecsim_bench honours Google Benchmark's --benchmark_format: json on stdout is one JSON document
# (the RATIO/TARGET lines go to stderr), csv has its header, console has the RATIO lines; the
# SystemC chip's benchmark runs.
# usage: check_formats.sh ECSIM_BENCH PYTHON
set -euo pipefail
bench=$1
python=$2
run=(--benchmark_filter='^BM_NetworkStep(Portable|Avx2)?/256$' --benchmark_min_time=0.01)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bench" "${run[@]}" --benchmark_format=json >"$out/json" 2>"$out/json.err"
"$python" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["benchmarks"][0]["name"] == "BM_NetworkStep/256", d' "$out/json"
grep -q "RATIO AVX-512 kernel speedup over the portable" "$out/json.err"
"$bench" "${run[@]}" --benchmark_format=csv >"$out/csv" 2>/dev/null
grep -q "^name,iterations,real_time" "$out/csv"
"$bench" "${run[@]}" >"$out/console"
grep -q "RATIO AVX-512 kernel speedup over the portable" "$out/console"
# the chip benchmarks need the chip backends registered (a bench main without them threw on start)
"$bench" --benchmark_filter='^BM_ChipStep$' --benchmark_min_time=0.01 >"$out/chip"
grep -q "TARGET one env step of the SystemC chip" "$out/chip"
echo "ecsim_bench: console, json and csv formats as Google Benchmark documents them"
