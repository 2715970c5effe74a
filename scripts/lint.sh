#!/bin/sh
# Static rules the compiler does not check (ASVS-17, ASVS-28, STYLE.md):
#  - banned C functions (unbounded copies, strtok, atoi, non-cryptographic rand);
#  - SQL only through prepared statements: sqlite3_exec / PQexec only in the
#    drivers, and never an SQL text built with a format string;
#  - layering: core never includes microhttpd.h, http never prepares SQL.
# Prints every violation as FILE:LINE: rule, and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
status=0

report() { # rule, grep output
	if [ -n "$2" ]; then
		printf '%s\n' "$2" | sed "s/\$/   <- $1/"
		status=1
	fi
}

src=$(git ls-files --cached --others --exclude-standard 'src/*.c' 'src/*.h' 'bench/*.c' 2>/dev/null)
[ -n "$src" ] || src=$(find src bench -name '*.[ch]')

report "banned function (use snprintf, memcpy with a bound, strtol, randombytes_buf)" \
	"$(grep -nE '(^|[^_a-zA-Z0-9])(v?sprintf|strcpy|strcat|strtok|strtok_r|gets|atoi|atol|atoll|rand|random|srand|srandom)[[:space:]]*\(' $src /dev/null)"

report "sqlite3_exec/PQexec outside the storage drivers" \
	"$(grep -nE '(sqlite3_exec|PQexec)[[:space:]]*\(' $(printf '%s\n' $src | grep -v '^src/db/db_') /dev/null)"

report "SQL text built with a format string (bind parameters instead)" \
	"$(grep -nE '(snprintf|printf)[[:space:]]*\([^;]*"[^"]*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP) [^"]*%[sqd]' $src /dev/null)"

report "sqlite3_mprintf builds SQL from values" \
	"$(grep -nE 'sqlite3_v?mprintf' $src /dev/null)"

report "core must not know HTTP" \
	"$(grep -nE '#include[[:space:]]*<microhttpd.h>' $(printf '%s\n' $src | grep '^src/core/') /dev/null)"

report "http must not hold SQL (put it in src/db/)" \
	"$(grep -nE '"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ' $(printf '%s\n' $src | grep '^src/http/') /dev/null)"

if [ $status -eq 0 ]; then
	echo "lint: 1 passed, 0 failed"
else
	echo "lint: 0 passed, 1 failed"
fi
exit $status
