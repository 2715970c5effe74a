#!/bin/sh
# Line and branch coverage of src/ by the whole ctest suite (REL-13 of the
# security checklist), from gcc's gcov counters read by gcovr.
#
# Prints the coverage of every file and the totals, and fails when a file
# the checklist holds to full branch coverage falls below its floor, or the
# totals fall below theirs.  The access decision (policy.c) and the audit
# log's Merkle tree (merkle.c) have every branch taken (a defensive test no
# input reaches is marked GCOVR_EXCL_BR_LINE, with its reason).  The
# encrypted-value envelope (crypto.c) and the audit log with its verifier
# (audit.c) have every branch but those only a failing
# allocator or libsodium could take; their floors, and the totals', are what
# the suite reached when they were set, so that new code comes with tests.
#
# With HAVEN_TEST_PG set (scripts/run-tests.sh sets it) the suite also runs
# on PostgreSQL and the PostgreSQL driver is covered.  The report stays in
# build-cov/coverage.txt.
#
# Usage: sh scripts/coverage.sh
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

cmake -S . -B build-cov -DCMAKE_BUILD_TYPE=Debug -DHAVEN_COVERAGE=ON >/dev/null
cmake --build build-cov -j "$jobs"
find build-cov -name '*.gcda' -delete
ctest --test-dir build-cov --output-on-failure -j "$jobs"

# gcovr over the suite's counters; not over the benchmarks' own builds of
# audit.c and crypto.c (without audit, without encryption), which no test
# runs and whose branches would count as untested
cov() {
	gcovr -r . build-cov --exclude-directories '.*/CMakeFiles/bench_.*' "$@"
}

cov --filter src/ --branches --sort-percentage >build-cov/coverage.txt
cov --filter src/ >>build-cov/coverage.txt
cat build-cov/coverage.txt

status=0
for floor in src/core/policy.c:100 src/util/merkle.c:100 src/util/crypto.c:94 src/core/audit.c:92; do
	file=${floor%:*}
	if ! cov --filter "$file" --branches --fail-under-branch "${floor#*:}" \
		>/dev/null; then
		echo "coverage: $file has fewer than ${floor#*:} % of its branches taken by a test:" >&2
		cov --filter "$file" --branches | grep "$file" >&2
		status=1
	fi
done
if ! cov --filter src/ --fail-under-line 90 --fail-under-branch 75 >/dev/null; then
	echo "coverage: the suite covers less than 90 % of src/'s lines or 75 % of its branches" >&2
	status=1
fi
exit $status
