#!/usr/bin/env bash
# Mutation scores of the modules behind the figures the funder reads (not run in CI: it takes
# a while). Each module is mutated by mutmut in its own scratch copy of the work tree and tried
# only against its own test files, so a mutant counts as killed only when the tests written for
# that module notice it. Prints one line per module: killed / total and the percentage.
#
#   bash bench/mutation.sh                 all three modules, one after the other
#   bash bench/mutation.sh reports         one of them (counting, reports, schedules)
#
# Survivors are listed with "mutmut results" in the scratch copy (kept with KEEP=1), and the
# equivalent ones are explained in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath -m "${BIN:-.venv/bin}")
NICE=${NICE:-nice -n 19}  # mutmut is CPU-heavy: other work on the machine goes first
"$BIN/pip" install --quiet 'mutmut>=3.8,<4'

declare -A MODULE=(
  [counting]=kiosk/checkin/counting.py
  [reports]=kiosk/staff/reports.py
  [schedules]=kiosk/schedules.py
)
declare -A TESTS=(
  [counting]="tests/test_counting.py"
  [reports]="tests/test_reports.py tests/test_counting.py tests/test_poll_rating.py"
  [schedules]="tests/test_schedules.py tests/test_hsds.py"
)

score() {
  local name=$1 scratch
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/mutation-$name.XXXXXX")
  # mutmut copies kiosk/ and tests/ into mutants/; the app also needs its templates, static
  # files and compiled catalogs, which it finds next to kiosk/.
  tar --exclude=__pycache__ --exclude=.venv --exclude=mutants -cf - \
    kiosk puzzles tests templates static pyproject.toml | tar -xf - -C "$scratch"
  "$BIN/pybabel" compile -d "$scratch/kiosk/translations" 2> /dev/null
  local selection="" file
  for file in ${TESTS[$name]}; do [ -e "$file" ] && selection+="    $file"$'\n'; done
  cat > "$scratch/setup.cfg" <<CFG
[mutmut]
source_paths = kiosk
only_mutate = ${MODULE[$name]}
also_copy =
    puzzles
    templates
    static
pytest_add_cli_args = -p no:cacheprovider -q
pytest_add_cli_args_test_selection =
${selection}
CFG
  (
    cd "$scratch"
    $NICE "$BIN/mutmut" run --max-children "${MAX_CHILDREN:-1}" > mutmut-run.log 2>&1 || true
    "$BIN/mutmut" export-cicd-stats > /dev/null
    "$BIN/python" - "$name" "${MODULE[$name]}" <<'PY'
import json, sys
stats = json.load(open("mutants/mutmut-cicd-stats.json"))
killed = stats["killed"] + stats["timeout"]
print(f"{sys.argv[1]:10} {sys.argv[2]:28} killed {killed:4} of {stats['total']:4}"
      f"  {100 * killed / stats['total']:5.1f} %  (survived {stats['survived']},"
      f" no tests {stats['no_tests']}, suspicious {stats['suspicious']})")
PY
    "$BIN/mutmut" results 2>/dev/null | grep -v ": killed" | sed 's/^/    /' || true
  )
  if [ -n "${KEEP:-}" ]; then echo "    scratch copy kept: $scratch"; else rm -rf "$scratch"; fi
}

for name in "${@:-counting reports schedules}"; do
  for one in $name; do score "$one"; done
done
