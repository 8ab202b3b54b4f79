#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan) into their own build directory
# and runs each one in turn, one process at a time. Exits non-zero on any finding (a crash, an
# exception other than ecsim::Error, a sanitizer report, a leak, a timeout or running out of
# memory); the input that caused it is kept as <work>/artifacts/<target>/crash-* (or timeout-*,
# oom-*, leak-*). Prints executions, seconds and corpus size per target.
#
#   scripts/fuzz.sh                  every target for 20 s
#   scripts/fuzz.sh --time 60        every target for 60 s
#   scripts/fuzz.sh --runs 1000000   every target for 10^6 executions
#   scripts/fuzz.sh --target rho     one target (repeatable: --target rho --target theta)
#
# Environment: ECSIM_FUZZ_BUILD_DIR (default build-fuzz), ECSIM_FUZZ_WORK (corpora and findings,
# default <fuzz build dir>/fuzz-work; corpora grow from run to run), ECSIM_BUILD_DIR (the regular
# build whose bin/ecsim makes the seed checkpoint, θ file and policy images with a tiny
# `ecsim train`; without it those seeds are skipped), ECSIM_JOBS (build jobs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ECSIM_FUZZ_BUILD_DIR:-$root/build-fuzz}
work=${ECSIM_FUZZ_WORK:-$build/fuzz-work}
main_build=${ECSIM_BUILD_DIR:-$root/build}
jobs=${ECSIM_JOBS:-$(nproc)}
all_targets=(chip_config energy_table trace_csv action_csv theta rho checkpoint policy_image normalizer mjcf)

limit=(-max_total_time=20)
targets=()
while (($#)); do
  case $1 in
    --time) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")

# the fuzz build: clang, only the targets and the libraries they link
cc=$(command -v clang-14 || command -v clang || true)
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z $cc || -z $cxx ]]; then
  echo "fuzz.sh: clang was not found; install the Debian packages: sudo apt-get install clang-14 libclang-rt-14-dev" >&2
  echo "  (or skip fuzzing with ECSIM_SKIP_FUZZ=1)" >&2
  exit 1
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# warnings are not errors here: the GCC build is the one that gates them (clang warns about
# GCC-only pragmas)
if [[ ! -f $build/CMakeCache.txt ]]; then
  CC=$cc CXX=$cxx cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECSIM_FUZZ=ON \
    -DECSIM_BUILD_TESTS=OFF -DECSIM_BUILD_BENCH=OFF -DECSIM_WERROR=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -j "$jobs" --target fuzz_all

# seed corpora: the committed text seeds, the shipped files, and what a tiny training run writes
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
for t in "${all_targets[@]}"; do
  mkdir -p "$seeds/$t" "$work/corpus/$t" "$work/artifacts/$t"
  [[ -d $root/tests/fuzz/corpus/$t ]] && cp "$root/tests/fuzz/corpus/$t"/* "$seeds/$t/"
done
cp "$root"/configs/chip_*.json "$seeds/chip_config/"
cp "$root"/configs/energy_*.json "$seeds/energy_table/"
cp "$root"/models/*.xml "$seeds/mjcf/"
train_config=
if [[ -x $main_build/bin/ecsim ]]; then
  tiny=(train --task hopper --generations 1 --eval-episodes 1 --no-plot --progress never)
  for method in ec es; do
    run=$work/train-$method
    rm -rf "$run"
    # N = 16 (8 excitatory): the network fuzz_rho and fuzz_policy_image expect
    "$main_build/bin/ecsim" "${tiny[@]}" --method $method --pop 4 --neurons 16 --exc 8 --max-steps 10 --out "$run" \
      >/dev/null
    cp "$run/policy/policy.json" "$seeds/policy_image/run_$method.json"
    cp "$run/policy/normalizer.json" "$seeds/normalizer/run_$method.json"
    [[ -f $run/policy/theta.bin ]] && cp "$run/policy/theta.bin" "$seeds/theta/run.bin"
  done
  # the checkpoint seed from the smallest network (N = 2): a short input is a fast one; it decodes
  # against the configuration of the run that wrote it
  run=$work/train-checkpoint
  rm -rf "$run"
  "$main_build/bin/ecsim" "${tiny[@]}" --pop 2 --neurons 2 --exc 1 --max-steps 5 --out "$run" >/dev/null
  cp "$run/checkpoint.ckpt" "$seeds/checkpoint/run.ckpt"
  train_config=$run/config.json
else
  echo "fuzz.sh: $main_build/bin/ecsim not built: no checkpoint, θ or training-run seeds (build it first for them)" >&2
fi

# the targets that read a path write their input to a scratch file under $TMPDIR: tmpfs is faster
if [[ -z ${TMPDIR:-} && -d /dev/shm && -w /dev/shm ]]; then export TMPDIR=/dev/shm; fi

# one target at a time; libFuzzer's own limits: 10 s per input (60 s for MuJoCo), 2 GB
status=0
summary=()
for t in "${targets[@]}"; do
  bin=$build/bin/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz.sh: no target '$t' (one of: ${all_targets[*]})" >&2; exit 2; }
  opts=(-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 "-artifact_prefix=$work/artifacts/$t/")
  [[ $t == mjcf ]] && opts[1]=-timeout=60
  [[ -f $root/tests/fuzz/dict/$t.dict ]] && opts+=("-dict=$root/tests/fuzz/dict/$t.dict")
  log=$work/$t.log
  start=$(date +%s.%N)
  rc=0
  (cd "$work" && ECSIM_FUZZ_TRAIN_CONFIG=$train_config nice -n 10 "$bin" "${opts[@]}" "${limit[@]}" \
    "$work/corpus/$t" "$seeds/$t") >"$log" 2>&1 || rc=$?
  secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(find "$work/corpus/$t" -type f | wc -l)
  if ((rc != 0)); then
    status=1
    result="FINDING (exit $rc; log $log)"
    grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|terminate called|what\(\)|Test unit written' "$log" | head -8 >&2 || true
  else
    result="0 findings"
  fi
  line=$(printf '%-14s %10s execs %8s s  corpus %5s  %s' "$t" "${execs:-?}" "$secs" "$corpus" "$result")
  echo "fuzz: $line"
  summary+=("$line")
done
echo "fuzz summary (${limit[*]}):"
printf '  %s\n' "${summary[@]}"
exit $status
