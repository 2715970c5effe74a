#!/bin/sh
# bench/import-floor.sh - the floor for bench_import: the sqlite3 shell's
# .import of the same generated files (100,000 persons, 1,000,000 services)
# into untyped tables, in one run of the shell.  Nothing is checked,
# encrypted or indexed, so no importer that does those can be faster; the
# ratio bench_import / floor says what they cost.
# Usage: bench/import-floor.sh [BUILD_DIR] [PERSONS SERVICES]
set -eu
build=${1:-build}
persons=${2:-100000}
services=${3:-1000000}
command -v sqlite3 >/dev/null || { echo "import-floor: sqlite3 is not installed" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/haven-floor-XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
"$build/bench_import" --generate-only "$dir" "$persons" "$services"
start=$(date +%s%N)
sqlite3 "$dir/floor.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
.mode csv
.import '$dir/persons.csv' persons
.import '$dir/services.csv' services
SQL

end=$(date +%s%N)
rows=$(sqlite3 "$dir/floor.db" "SELECT (SELECT count(*) FROM persons) + (SELECT count(*) FROM services)")
awk -v rows="$rows" -v ns="$((end - start))" 'BEGIN {
	s = ns / 1e9
	printf "sqlite3 .import floor: %d rows in %.2f s: %.0f rows/s\n", rows, s, rows / s
}'
