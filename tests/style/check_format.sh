#!/usr/bin/env bash
# The code follows .clang-format (docs/contributing.md): clang-format changes nothing in any C++
# file the repository tracks. Run `clang-format -i FILE` to fix a file it names.
set -euo pipefail
root=$1
cd "$root"
command -v clang-format >/dev/null || { echo "clang-format is not installed (Debian package clang-format)"; exit 1; }
if git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.h' \) -print)
fi
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files follow .clang-format"
