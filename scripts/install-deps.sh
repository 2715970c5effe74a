#!/bin/sh
# Installs the Debian 12 packages Haven needs to build, test and run the demo.
# Idempotent: only what is missing is installed; apt's lists are refreshed only then.
set -eu

PACKAGES="
build-essential cmake pkg-config clang
libsqlite3-dev sqlite3 libpq-dev postgresql
libsodium-dev libjansson-dev libcsv-dev
libmicrohttpd-dev libcurl4-openssl-dev libinih-dev liboath-dev libqrencode-dev libmimalloc-dev
libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-noto-core
libcmocka-dev gcovr cppcheck strace poppler-utils python3 wrk curl
chromium nodejs
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: these packages are missing:$missing" >&2
	echo "install-deps: run 'make deps' as root (or install them with apt-get) and try again" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
