#!/bin/sh
# bench/costs.sh - issue #5: what the audit and the encryption cost, as ratios
# with and without, on bench_api and bench_import.
#
# The "without" builds are bench executables only (CMakeLists.txt):
#   *_noaudit  audit_append writes nothing and reads skip the group commit
#              (HAVEN_BENCH_WITHOUT_AUDIT, in audit.c and caseview.c)
#   *_plain    values stored in clear in the same envelope, no AEAD and no
#              nonce (HAVEN_BENCH_WITHOUT_ENCRYPTION, in util/crypto.c); the
#              blind indexes' keyed hashes are still computed
# haven and haven_core are never built with either macro.  The three builds
# run interleaved ROUNDS times (the machine's load drifts) and the medians
# are compared: requests (rows) per second, and the CPU time per request
# (row), which queueing on a shared machine disturbs less.
#
# Usage: sh bench/costs.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
#        env: COSTS_PERSONS, COSTS_SERVICES (bench_import's size; 20000, 200000)
set -eu
build=${1:?usage: costs.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
rounds=${2:-3}
seconds=${3:-5}
conns=${4:-64}
persons=${COSTS_PERSONS:-20000}
services=${COSTS_SERVICES:-200000}
out=$(mktemp -d "${TMPDIR:-/tmp}/haven-costs-XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

for r in $(seq "$rounds"); do
	for v in full noaudit plain; do
		suffix=$([ "$v" = full ] && echo "" || echo "_$v")
		"$build/bench_api$suffix" --seconds "$seconds" --connections "$conns" |
			awk -v v="$v" '$1 == "read" || $1 == "create" { print v, $1, $3, $8 }' \
				>>"$out/api"
		"$build/bench_import$suffix" "$persons" "$services" |
			awk -v v="$v" '/^import:/ { rate = $(NF-1) } /cpu/ { print v, "import", rate, substr($4, 2) }' \
				>>"$out/import"
	done
done

# median of the values on stdin
median() {
	sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
		else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

echo "costs: $rounds rounds, medians; bench_api at $conns connections for ${seconds}s," \
	"bench_import $persons persons and $services services"
printf '%-7s %-8s %12s %12s %12s %12s\n' what build "per second" "cpu us" \
	"time x" "cpu x"
for what in read create import; do
	file=$out/api
	[ "$what" = import ] && file=$out/import
	full_rate=$(awk -v w="$what" '$1 == "full" && $2 == w { print $3 }' "$file" | median)
	full_cpu=$(awk -v w="$what" '$1 == "full" && $2 == w { print $4 }' "$file" | median)
	for v in full noaudit plain; do
		rate=$(awk -v w="$what" -v v="$v" '$1 == v && $2 == w { print $3 }' "$file" | median)
		cpu=$(awk -v w="$what" -v v="$v" '$1 == v && $2 == w { print $4 }' "$file" | median)
		# "time x": the full build's time per request (row) over this build's;
		# "cpu x": the same for CPU time; so 1.50 means auditing (encrypting)
		# makes a request cost 1.5 times what it costs without
		awk -v w="$what" -v v="$v" -v r="$rate" -v c="$cpu" -v fr="$full_rate" \
			-v fc="$full_cpu" 'BEGIN { printf "%-7s %-8s %12.0f %12.2f %12.2f %12.2f\n",
				w, v, r, c, (v == "full" ? 1 : r / fr), (v == "full" ? 1 : fc / c) }'
	done
done
