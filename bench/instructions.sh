#!/bin/sh
# bench/instructions.sh - instructions per audited read of a record, counted
# by valgrind's callgrind: the same for the same binary whatever else the
# machine does, unlike bench_api's timings, which drift by a fifth on a
# shared machine.  Compare two builds with it before trusting a small gain.
#
# It runs bench_api (reads at 8 connections, 200 persons) under callgrind
# and prints, per read: the instructions of the request on its worker
# (on_request: gate, handler, reply) and of the audit queue's thread (its
# inserts, chain and commits), from callgrind_annotate's inclusive counts,
# and of all the server's threads together.
# Kernel time is not counted.
#
# Usage: sh bench/instructions.sh BUILD_DIR [SECONDS]
set -eu
build=${1:?usage: instructions.sh BUILD_DIR [SECONDS]}
seconds=${2:-8}
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/haven-instr-XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$build/bench_api" --only read \
	--connections 8 --seconds "$seconds" --persons 200 >"$out/bench" 2>"$out/valgrind"
callgrind_annotate --inclusive=yes --tree=calling "$out/cg" >"$out/tree" 2>/dev/null

# the inclusive count of the function named $1 (file:function), and its calls
total() { awk -v f="$1" '$0 ~ "\\*  .*" f " " { gsub(",", "", $1); print $1; exit }' "$out/tree"; }
calls() { awk -v f="$1" '$0 ~ ">   .*" f " " { s = $0; sub(/.*\(/, "", s); sub(/x\).*/, "", s); gsub(",", "", s); n += s } END { print n + 0 }' "$out/tree"; }

reads=$(calls 'h_persons.c:h_person_read')
[ "$reads" -gt 0 ] || { echo "instructions.sh: no read was counted; see $out" >&2; trap - EXIT; exit 1; }
printf 'instructions per read (%s reads under callgrind)\n' "$reads"
# every thread the server started (its workers with libmicrohttpd's own
# work on each request, the audit queue, the checkpointer): what on_request
# does not show, such as libmicrohttpd zeroing its buffer per request
awk -v n="$(total 'pthread_create.c:start_thread')" -v r="$reads" \
	'BEGIN { printf "  %-28s %8.0f\n", "all the server'"'"'s threads", n / r }'
for f in server.c:on_request auditqueue.c:writer h_persons.c:h_person_read reply.c:reply_send \
	session.c:session_resolve; do
	awk -v f="$f" -v n="$(total "$f")" -v r="$reads" 'BEGIN { printf "  %-28s %8.0f\n", f, n / r }'
done
