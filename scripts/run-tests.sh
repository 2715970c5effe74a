#!/bin/sh
# Runs every test: the normal build's suite, the same suite built with
# coverage counters (with the coverage floors of scripts/coverage.sh), with
# AddressSanitizer and UndefinedBehaviorSanitizer, the threaded tests built
# with ThreadSanitizer, static analysis (cppcheck and GCC's analyzer, REL-19),
# then a minute of fuzzing per target (REL-10).
# Tests marked TU_BOTH_ENGINES run on SQLite and on a throwaway PostgreSQL
# cluster started here (scripts/pg-cluster.sh) and stopped at exit.
# Called by `make test`.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

HAVEN_TEST_PG=$(sh scripts/pg-cluster.sh start)
export HAVEN_TEST_PG
trap 'sh scripts/pg-cluster.sh stop "$HAVEN_TEST_PG"' EXIT INT TERM

echo "== tests (normal build)"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== browser tests (web interface, Debian's chromium)"
sh tests/browser/run.sh build/haven

echo "== coverage (gcov build, the same suite; scripts/coverage.sh)"
sh scripts/coverage.sh

echo "== tests (ASan + UBSan build)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== threaded tests (ThreadSanitizer build)"
# The tests labelled "threads" (a server's workers, audit queue and
# checkpointer; the crash and fault tests' clients): any data race fails.
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DHAVEN_TSAN=ON >/dev/null
threaded=$(ctest --test-dir build-tsan -N -L threads | sed -n 's/^ *Test *#[0-9]*: //p' | sed 's/_pg$//' | sort -u)
cmake --build build-tsan -j "$jobs" --target haven $threaded
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
	ctest --test-dir build-tsan --output-on-failure -j "$jobs" -L threads

echo "== static analysis (cppcheck, gcc -fanalyzer; scripts/static.sh)"
sh scripts/static.sh

echo "== fuzzing (libFuzzer, ${FUZZ_SECONDS:-60}s per target, $jobs at once)"
FUZZ_SECONDS=${FUZZ_SECONDS:-60} sh scripts/fuzz.sh
