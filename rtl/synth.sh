#!/usr/bin/env bash
# Synthesizes the popcount core with Yosys's generic `synth` for each parameter set W:ACC_W given
# (rtl/CMakeLists.txt passes its ECSIM_RTL_PARAMETER_SETS) and prints cell count and logic depth
# (docs/rtl.md records them). Fails if synthesis fails. For rtl/lif_unit.sv the sets are
# W:F:WR:C:DW.
#   rtl/synth.sh rtl/popcount_core.sv OUTDIR 64:16 32:12
set -euo pipefail
# ---- philox_sampler: rtl/synth.sh --philox rtl/philox_sampler.sv OUTDIR 10:10 16:30 (q:F sets) ----
if [ "${1:-}" = "--philox" ]; then
  shift
  if [ $# -lt 3 ]; then
    echo "usage: $0 --philox SOURCE.sv OUTDIR Q:F..." >&2
    exit 2
  fi
  src=$1
  out=$2
  shift 2
  mkdir -p "$out"
  for set in "$@"; do
    Q=${set%%:*}
    F=${set##*:}
    log="$out/philox_sampler_q${Q}.log"
    yosys -q -l "$log" -p "read_verilog -sv $src; chparam -set Q $Q -set F $F philox_sampler; \
      synth -top philox_sampler -flatten; tee -o $out/stat_q${Q}.txt stat; tee -o $out/ltp_q${Q}.txt ltp -noff" >/dev/null
    cells=$(grep -m1 "Number of cells" "$out/stat_q${Q}.txt" | awk '{print $NF}')
    depth=$(grep -m1 "Longest topological path" "$out/ltp_q${Q}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
    echo "philox_sampler Q=$Q F=$F: $cells cells, logic depth $depth"
  done
  exit 0
fi
# ---- end philox_sampler ----
# ---- input_stage: rtl/synth.sh --input rtl/input_stage.sv OUTDIR 11:10:16:20:11 (D:BX:W:RB:SHIFT) ----
if [ "${1:-}" = "--input" ]; then
  shift
  if [ $# -lt 3 ]; then
    echo "usage: $0 --input SOURCE.sv OUTDIR D:BX:W:RB:SHIFT..." >&2
    exit 2
  fi
  src=$1
  out=$2
  shift 2
  mkdir -p "$out"
  for set in "$@"; do
    IFS=: read -r D BX W RB SH <<<"$set"
    log="$out/input_stage_d${D}.log"
    yosys -q -l "$log" -p "read_verilog -sv $src; \
      chparam -set D $D -set BX $BX -set W $W -set RB $RB -set SHIFT $SH input_stage; \
      synth -top input_stage -flatten; tee -o $out/stat_d${D}.txt stat; tee -o $out/ltp_d${D}.txt ltp -noff" >/dev/null
    cells=$(grep -m1 "Number of cells" "$out/stat_d${D}.txt" | awk '{print $NF}')
    depth=$(grep -m1 "Longest topological path" "$out/ltp_d${D}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
    echo "input_stage D=$D BX=$BX W=$W RB=$RB SHIFT=$SH: $cells cells, logic depth $depth"
  done
  exit 0
fi
# ---- end input_stage ----
# ---- readout: rtl/synth.sh --readout rtl/readout.sv OUTDIR 3:16:16:20:12:15 (DO:WR:NB:RB:FA:SHIFT) ----
if [ "${1:-}" = "--readout" ]; then
  shift
  if [ $# -lt 3 ]; then
    echo "usage: $0 --readout SOURCE.sv OUTDIR DO:WR:NB:RB:FA:SHIFT..." >&2
    exit 2
  fi
  src=$1
  out=$2
  shift 2
  mkdir -p "$out"
  for set in "$@"; do
    IFS=: read -r DO WR NB RB FA SH <<<"$set"
    log="$out/readout_do${DO}.log"
    yosys -q -l "$log" -p "read_verilog -sv $src; \
      chparam -set DO $DO -set WR $WR -set NB $NB -set RB $RB -set FA $FA -set SHIFT $SH readout; \
      synth -top readout -flatten; tee -o $out/stat_do${DO}.txt stat; tee -o $out/ltp_do${DO}.txt ltp -noff" >/dev/null
    cells=$(grep -m1 "Number of cells" "$out/stat_do${DO}.txt" | awk '{print $NF}')
    depth=$(grep -m1 "Longest topological path" "$out/ltp_do${DO}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
    echo "readout DO=$DO WR=$WR NB=$NB RB=$RB FA=$FA SHIFT=$SH: $cells cells, logic depth $depth"
  done
  exit 0
fi
# ---- end readout ----
# ---- neuron_core: rtl/synth.sh --core rtl/neuron_core.sv OUTDIR default (the module's defaults) ----
# The units' sources beside neuron_core.sv are read with it; the SRAMs (sram_model) are kept as
# blackboxes, so the figures are the core's logic and flops without the memory arrays.
if [ "${1:-}" = "--core" ]; then
  shift
  if [ $# -lt 3 ]; then
    echo "usage: $0 --core SOURCE.sv OUTDIR default" >&2
    exit 2
  fi
  src=$1
  out=$2
  dir=$(dirname "$src")
  mkdir -p "$out"
  log="$out/neuron_core.log"
  yosys -q -l "$log" -p "read_verilog -sv -lib $dir/sram_model.sv; \
    read_verilog -sv $src $dir/philox_sampler.sv $dir/input_stage.sv $dir/popcount_core.sv $dir/lif_unit.sv \
    $dir/readout.sv; synth -top neuron_core -flatten; tee -o $out/stat_core.txt stat; \
    tee -o $out/ltp_core.txt ltp -noff" >/dev/null
  cells=$(grep -m1 "Number of cells" "$out/stat_core.txt" | awk '{print $NF}')
  depth=$(grep -m1 "Longest topological path" "$out/ltp_core.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
  echo "neuron_core (default parameters, SRAMs as blackboxes): $cells cells, logic depth $depth"
  exit 0
fi
# ---- end neuron_core ----
if [ $# -lt 3 ]; then
  echo "usage: $0 SOURCE.sv OUTDIR W:ACC_W..." >&2
  exit 2
fi
src=$1
out=$2
shift 2
mkdir -p "$out"
# ---- lif_unit: parameter sets W:F:WR:C:DW (rtl/CMakeLists.txt, ECSIM_RTL_LIF_PARAMETER_SETS) ----
if [ "$(basename "$src" .sv)" = lif_unit ]; then
  for set in "$@"; do
    IFS=: read -r W F WR C DW <<<"$set"
    log="$out/lif_unit_w${W}.log"
    yosys -q -l "$log" -p "read_verilog -sv $src; chparam -set W $W -set F $F -set WR $WR -set C $C -set DW $DW lif_unit; \
      synth -top lif_unit -flatten; tee -o $out/stat_w${W}.txt stat; tee -o $out/ltp_w${W}.txt ltp -noff" >/dev/null
    cells=$(grep -m1 "Number of cells" "$out/stat_w${W}.txt" | awk '{print $NF}')
    depth=$(grep -m1 "Longest topological path" "$out/ltp_w${W}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
    echo "lif_unit W=$W F=$F WR=$WR C=$C DW=$DW: $cells cells, logic depth $depth"
  done
  exit 0
fi
# ---- end of lif_unit ----
for set in "$@"; do
  W=${set%%:*}
  ACC=${set##*:}
  log="$out/popcount_core_w${W}.log"
  yosys -q -l "$log" -p "read_verilog -sv $src; chparam -set W $W -set ACC_W $ACC popcount_core; \
    synth -top popcount_core -flatten; tee -o $out/stat_w${W}.txt stat; tee -o $out/ltp_w${W}.txt ltp -noff" >/dev/null
  cells=$(grep -m1 "Number of cells" "$out/stat_w${W}.txt" | awk '{print $NF}')
  depth=$(grep -m1 "Longest topological path" "$out/ltp_w${W}.txt" | sed -E 's/.*length=([0-9]+).*/\1/')
  echo "popcount_core W=$W ACC_W=$ACC: $cells cells, logic depth $depth"
done
