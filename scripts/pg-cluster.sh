#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests: a Unix socket in a fresh
# temporary directory, no TCP, trust authentication for the local user
# `postgres`, data checksums on.  PostgreSQL refuses to run as root, so as
# root it runs as the `postgres` system user (from Debian's package).
#   pg-cluster.sh start   prints the directory (socket and data) on stdout
#   pg-cluster.sh stop DIR
set -eu
bin=/usr/lib/postgresql/15/bin

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "${1:-}" in
start)
	dir=$(mktemp -d /tmp/haven-pg-XXXXXX)
	chmod 755 "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres --data-checksums >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-k $dir -c listen_addresses='' -c max_connections=200 -c fsync=on" start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	echo "$dir"
	;;
stop)
	dir=${2:?usage: pg-cluster.sh stop DIR}
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pg-cluster.sh start | stop DIR" >&2
	exit 2
	;;
esac
