#!/usr/bin/env bash
# One code style, checked in CI (.ci/run): the TypeScript and JavaScript through Prettier
# (.prettierrc.json), the native sources through clang-format (native/.clang-format).
#
#   bash scripts/format.sh                  rewrite every file in place
#   bash scripts/format.sh --check          list the files that differ and exit 1 if any do
#   bash scripts/format.sh [--check] FILE…  the same for these files only (paths from the
#                                           repository root), leaving every other file as it is:
#                                           what to run on your own files while others edit theirs
#
# clang-format comes from Debian (apt-get install clang-format; version 14 formatted the tree).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
[[ "${1:-}" == "--check" ]] && { check=1; shift; }

if [[ $# -gt 0 ]]; then
  js=() native=()
  for f in "$@"; do
    case "$f" in
      *.ts | *.mts | *.mjs | bin/*.js) js+=("$f") ;;
      *.cc | *.h | *.cu | *.cuh) native+=("$f") ;;
      *) echo "format: $f is neither TypeScript/JavaScript nor a native source; left out" >&2 ;;
    esac
  done
else
  mapfile -t js < <(git ls-files '*.ts' '*.mts' '*.mjs' 'bin/*.js')
  mapfile -t native < <(git ls-files 'native/*.cc' 'native/*.h' 'native/*.cu' 'native/*.cuh')
fi
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format is not installed (Debian: apt-get install clang-format)" >&2
  exit 1
fi

status=0
if [[ $check == 1 ]]; then
  if [[ ${#js[@]} -gt 0 ]]; then
    npx prettier --check --log-level warn "${js[@]}" || { echo "format: run bash scripts/format.sh to fix the files above" >&2; status=1; }
  fi
  bad=()
  for f in "${native[@]}"; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f"); done
  if [[ ${#bad[@]} -gt 0 ]]; then
    printf '[warn] %s\n' "${bad[@]}" >&2
    echo "format: clang-format ($(clang-format --version | grep -o 'version [0-9.]*')) would change the native files above; run bash scripts/format.sh" >&2
    status=1
  fi
  [[ $status == 0 ]] && echo "format: ${#js[@]} TypeScript/JavaScript and ${#native[@]} native files are formatted"
  exit $status
fi
[[ ${#js[@]} -gt 0 ]] && npx prettier --write --log-level warn "${js[@]}"
[[ ${#native[@]} -gt 0 ]] && clang-format -i "${native[@]}"
echo "format: wrote ${#js[@]} TypeScript/JavaScript and ${#native[@]} native files"
