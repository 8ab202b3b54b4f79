#!/usr/bin/env bash
# Synthesizes the popcount core with Yosys's generic `synth` for each parameter set and prints
# cell count and logic depth (docs/rtl.md records them). Fails if synthesis fails.
set -euo pipefail
src=$1
out=${2:-synth}
mkdir -p "$out"
for set in "64 16" "32 12"; do
  read -r W ACC <<<"$set"
  log="$out/popcount_core_w${W}.log"
  yosys -q -l "$log" -p "read_verilog -sv $src; chparam -set W $W -set ACC_W $ACC popcount_core; \
    synth -top popcount_core -flatten; tee -o $out/stat_w${W}.txt stat; tee -o $out/ltp_w${W}.txt ltp -noff" >/dev/null
  cells=$(grep -m1 "Number of cells" "$out/stat_w${W}.txt" | awk '{print $NF}')
  depth=$(grep -m1 "Longest topological path" "$out/ltp_w${W}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
  echo "popcount_core W=$W ACC_W=$ACC: $cells cells, logic depth $depth"
done
