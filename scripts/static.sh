#!/bin/sh
# Static analysis (REL-19 of the security checklist): cppcheck over src/, and
# GCC's -fanalyzer over a whole build of haven.  Any finding fails the run
# unless scripts/static-waivers.txt waives it in writing: the file, the
# function and the warning, with why it is not a bug.  A waiver names a
# function, not a line, so a new finding of the same kind elsewhere in the
# file still fails.
#
# Usage: sh scripts/static.sh
set -eu
cd "$(dirname "$0")/.."
export LC_ALL=C # plain quotes in GCC's messages, as the waivers have them

cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 --inline-suppr \
	-I src --suppress=missingIncludeSystem src

# One compiler at a time: each finding follows its "In function" line.
CFLAGS=-fanalyzer cmake -S . -B build-analyzer -DCMAKE_BUILD_TYPE=Debug -DHAVEN_WERROR=OFF >/dev/null
cmake --build build-analyzer --target clean >/dev/null
cmake --build build-analyzer -j 1 --target haven 2>build-analyzer/analyzer.log >/dev/null

# "file function -Woption" for each finding
awk '
	/: In function / { fn = substr($0, index($0, "In function ") + 13); sub(/..$/, "", fn) }
	/: warning: / {
		file = $1; sub(/:.*/, "", file); sub(".*/src/", "src/", file)
		opt = $0; sub(/.*\[/, "", opt); sub(/\].*/, "", opt)
		print file, fn, opt
	}' build-analyzer/analyzer.log | sort -u >build-analyzer/findings.txt
grep -v '^#' scripts/static-waivers.txt | awk 'NF { print $1, $2, $3 }' | sort -u \
	>build-analyzer/waived.txt
unwaived=$(comm -23 build-analyzer/findings.txt build-analyzer/waived.txt)
if [ -n "$unwaived" ]; then
	echo "static.sh: GCC's analyzer found (see build-analyzer/analyzer.log):" >&2
	echo "$unwaived" >&2
	exit 1
fi
stale=$(comm -13 build-analyzer/findings.txt build-analyzer/waived.txt)
[ -z "$stale" ] || echo "static.sh: waivers no finding needs any more (remove them): $stale" >&2
echo "static.sh: cppcheck clean; GCC's analyzer: $(wc -l <build-analyzer/findings.txt) findings, each waived in scripts/static-waivers.txt"
