#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (cmake -DECSIM_SANITIZE=ON)
# into build-san/ and runs the whole ctest suite under it. Exits non-zero when the build fails,
# a test fails or any process (tests, the ecsim binaries they start, MPI ranks) wrote a sanitizer
# report. Arguments go to ctest (e.g. -R Train). ECSIM_JOBS sets the parallelism.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ECSIM_SANITIZE_BUILD_DIR:-$root/build-san}
jobs=${ECSIM_JOBS:-$(nproc)}

# ASan's reports go to files, one per process: a test that expects ecsim to fail would otherwise
# take a sanitizer's exit code for the failure it expected. (UBSan built together with ASan ignores
# log_path and prints to stderr; its reports are looked for in ctest's log below.)
logs=$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
# detect_stack_use_after_return=0 (g++'s default, stated so an inherited ASAN_OPTIONS cannot turn
# it on): SystemC runs every SC_THREAD on its own coroutine stack and switches stacks behind ASan's
# back; with ASan's fake stack frames on, every run of the SystemC chip dies of a SEGV in
# sc_start(). Every other stack, heap and global check stays on.
export ASAN_OPTIONS="halt_on_error=1:detect_stack_use_after_return=0:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# no benchmarks: ctest never runs them
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DECSIM_SANITIZE=ON -DECSIM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs"

status=0
(cd "$build" && ctest --output-on-failure -j "$jobs" "$@") || status=$?

reports=$(find "$logs" -type f | sort)
ubsan=$(grep -h -A12 "runtime error:" "$build/Testing/Temporary/LastTest.log" 2>/dev/null || true)
if [[ -n $ubsan ]]; then
  echo "test-sanitize: UBSan reports in the test output:" >&2
  echo "$ubsan" >&2
  status=1
fi
if [[ -n $reports ]]; then
  echo "test-sanitize: sanitizer reports:" >&2
  for f in $reports; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
  status=1
fi
if ((status == 0)); then
  echo "test-sanitize: the whole suite passed under ASan+UBSan"
fi
exit $status
