#!/bin/sh
# Builds the libFuzzer targets with clang (ASan+UBSan) and fuzzes each for a
# fixed time (default 20 s; FUZZ_SECONDS overrides).  New inputs that found
# new paths go to a scratch corpus, not the committed one; a crash fails the
# run and leaves crash-* files in build-fuzz/ to commit as regression inputs.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON -DHAVEN_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)"
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	corpus=tests/fuzz/corpus/${name#fuzz_}
	scratch=build-fuzz/corpus-${name#fuzz_}
	mkdir -p "$scratch"
	echo "== fuzzing $name for ${seconds}s"
	log=build-fuzz/$name.log
	if ! (cd build-fuzz && ./"$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
		"corpus-${name#fuzz_}" "../$corpus" >"$name.log" 2>&1); then
		tail -n 40 "$log"
		echo "fuzz: $name failed; see $log and the crash-* file in build-fuzz/" >&2
		exit 1
	fi
	tail -n 1 "$log"
done
