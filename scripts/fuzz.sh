#!/bin/sh
# Builds the libFuzzer targets with clang (ASan+UBSan) and fuzzes each for a
# fixed time (default 60 s, REL-10 of the security checklist; FUZZ_SECONDS
# overrides), as many targets at once as there are processors.  New inputs
# that found new paths go to a scratch corpus, not the committed one; a
# crash fails the run and leaves crash-* files in build-fuzz/ to commit as
# regression inputs.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=$(nproc)
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON -DHAVEN_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$jobs"

# Fuzzes target $1 and leaves its exit status in build-fuzz/$1.status.
fuzz_one() {
	corpus=tests/fuzz/corpus/${1#fuzz_}
	mkdir -p "build-fuzz/corpus-${1#fuzz_}"
	status=0
	(cd build-fuzz && ./"$1" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
		"corpus-${1#fuzz_}" "../$corpus" >"$1.log" 2>&1) || status=$?
	echo "$status" >"build-fuzz/$1.status"
}

names=""
running=0
for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	names="$names $name"
	echo "== fuzzing $name for ${seconds}s"
	fuzz_one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

failed=0
for name in $names; do
	log=build-fuzz/$name.log
	if [ "$(cat "build-fuzz/$name.status")" != 0 ]; then
		tail -n 40 "$log"
		echo "fuzz: $name failed; see $log and the crash-* file in build-fuzz/" >&2
		failed=1
	else
		echo "$name: $(tail -n 1 "$log")"
	fi
done
exit $failed
